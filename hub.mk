# The course as a class on a real JupyterHub, on this machine only (hub/; the instructor guide's
# "The course on JupyterHub" page). Included by the root Makefile; run as root.
#   make hub        JupyterHub on 127.0.0.1:$(HUB_PORT): an instructor and $(HUB_STUDENTS) student accounts
#                   (local users with passwords made now), nbgrader's exchange, the course in the
#                   instructor's home; prints the address and the accounts. Ctrl-C stops it.
#   make hub-stop   stops it from another shell. Either way the accounts, their homes and the class's
#                   folder ($(HUB_DIR)) are removed and nothing is left running or listening.

HUB_DIR      ?= /srv/who-holds-the-budget-hub
HUB_PORT     ?= 8000
HUB_STUDENTS ?= 3
HUB_PREFIX   ?= whb-

.PHONY: hub hub-stop

# setup: the virtualenv (JupyterHub, nbgrader, JupyterLab, carepool) and node_modules (configurable-http-proxy);
# sandbox-tools: bubblewrap, for autograding in the sandbox from the instructor's terminal.
hub: system-book setup sandbox-tools
	@test "$$(id -u)" = 0 || { echo "make hub makes local accounts and runs each person's server as that account: run it as root"; exit 2; }
	$(BIN)/python hub/serve.py $(HUB_DIR) --port $(HUB_PORT) --students $(HUB_STUDENTS) --prefix $(HUB_PREFIX)

hub-stop:
	$(BIN)/python hub/serve.py --stop $(HUB_DIR)
