# `make live`: the built book served on 127.0.0.1 with a local Jupyter server,
# so that "Run live" on a widget page runs its notebook (scripts/live.py).
# Included by the Makefile (`-include live.mk`).
LIVE_BOOK_PORT    ?= 8000
LIVE_JUPYTER_PORT ?= 8899

.PHONY: live
live: book
	$(BIN)/python scripts/live.py --book-port $(LIVE_BOOK_PORT) --jupyter-port $(LIVE_JUPYTER_PORT)
