# The two commands of the README. Both install what they need first (scripts/setup).
.PHONY: demo test setup bench

demo:
	scripts/setup
	.venv/bin/qlvb-gateway demo

test:
	scripts/setup --test
	.venv/bin/python -m pytest -n 2 -q

bench:
	scripts/setup --test
	.venv/bin/python bench/intake.py
	.venv/bin/python bench/reading.py
	.venv/bin/python bench/daemon.py
