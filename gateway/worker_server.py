"""What the server process a threaded gateway forks its PDF workers from loads first (multiprocessing's forkserver
preload, `gateway.workers._context`): the workers' modules, once, for every worker forked from it; and none of a mail's
CPU budget, whose lowered limit the server inherited when it was started while one was armed (its forks would have
counted against it until it died of SIGXCPU)."""

import gateway.workers  # noqa: F401  (loaded here once: a worker forked from this process starts with it)
from gateway.mail_budget import unbounded_here

unbounded_here()
