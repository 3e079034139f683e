# The two commands of the README. Both install what they need first (scripts/setup).
.PHONY: demo test check setup bench

demo:
	scripts/setup
	.venv/bin/qlvb-gateway demo

# Four test processes on two cores: much of the suite's time is waiting on real servers, daemons and time limits,
# which the third and fourth processes fill (with two: 7 min 50 s to 8 min 6 s against 6 min 50 s to 7 min 6 s with three,
# the same code and machine; stop 38: the daemons' and faults' tests 238 s with three, the cores idle 19 % of it, and
# 207 s with four, idle 9 %). Six were slower (stop 39: 700 s, against 659 s with four on the code before one test was
# shortened, the same machine).
# A process that has run out of tests takes some of another's (worksteal): with xdist's default the tests a process had
# been handed stayed its own, and one ran alone for the last 80 s (stop 42: 721 s against 634 to 651 s for the others);
# with worksteal the four ended within 6 s of each other, the whole the same here (738 s against 741: the cores were full).
# Six since stop 45: the suite's many daemon and fault tests wait on real servers and time limits, and with four the
# cores were not kept busy (the same code and machine: 830 s with four, 741 s with six, the two cores 99.8 % busy).
# Compiled files are written (a machine may say PYTHONDONTWRITEBYTECODE, as ours do): without them each of the suite's
# hundreds of gateway processes compiled the project's modules again (0.3 s of CPU each) and each test process its tests.
test:
	scripts/setup --test
	PYTHONDONTWRITEBYTECODE= .venv/bin/python -m pytest -n 6 --dist worksteal -q

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
