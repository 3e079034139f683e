# The two commands of the README. Both install what they need first (scripts/setup).
.PHONY: demo test check setup bench

demo:
	scripts/setup
	.venv/bin/qlvb-gateway demo

# Three test processes on two cores: a third of the suite's time is waiting on real servers, daemons and
# time limits, which the third process fills (6 min 50 s to 7 min 6 s against 7 min 50 s to 8 min 6 s with two,
# the same code and machine).
test:
	scripts/setup --test
	.venv/bin/python -m pytest -n 3 -q

# The types (mypy) and the lint (ruff) of the product, as configured in pyproject.toml; CI runs it before the tests.
check:
	scripts/setup --test
	.venv/bin/mypy
	.venv/bin/ruff check gateway registry mailbox vntext

bench:
	scripts/setup --test
	.venv/bin/python bench/intake.py
	.venv/bin/python bench/reading.py
	.venv/bin/python bench/daemon.py
