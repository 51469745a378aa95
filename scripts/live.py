"""Serve the built book with its widget pages live: `make live`.

Starts two servers on this machine only (127.0.0.1): the built site
(_build/html) and a Jupyter server that runs the notebooks' code. The Jupyter
server gets a fresh random token and accepts requests only from the book's
address; the token is written to _build/html/_static/live-server.json, where
a widget page's "Run live" button finds it (see coursebook/sphinx/live.py). The
file is removed when the servers stop (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
ANNOUNCE = SITE / "_static" / "live-server.json"


def start(book_port: int, jupyter_port: int) -> tuple[list[subprocess.Popen], str]:
    """Both servers, started; returns the processes and the book's address."""
    if not (SITE / "index.html").is_file():
        sys.exit("live: no built book in _build/html; run `make book` first")
    token = secrets.token_urlsafe(24)
    book = f"http://127.0.0.1:{book_port}"
    jupyter = subprocess.Popen([
        sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1", f"--port={jupyter_port}",
        "--port-retries=0", f"--ServerApp.root_dir={ROOT}", f"--IdentityProvider.token={token}",
        f"--ServerApp.allow_origin={book}", "--ServerApp.allow_remote_access=False",
        # Jupyter refuses root unless told; a container's only user often is root.
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ], cwd=ROOT)
    site = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(SITE),
                             str(book_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{jupyter_port}"
    _wait_until_up(f"{base}/api/status?token={token}", jupyter)
    ANNOUNCE.write_text(json.dumps({"baseUrl": base, "token": token}))
    return [jupyter, site], book


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    """Announce the server only once it answers, so "Run live" never finds it half-started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("live: the Jupyter server stopped while starting (see its messages above)")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    process.terminate()
    sys.exit(f"live: the Jupyter server did not answer within {timeout:.0f} s")


def stop(processes: list[subprocess.Popen]) -> None:
    ANNOUNCE.write_text("{}\n")  # "no local server", as the build writes it: the page then finds no server
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book-port", type=int, default=8000)
    parser.add_argument("--jupyter-port", type=int, default=8899)
    args = parser.parse_args()
    processes, book = start(args.book_port, args.jupyter_port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"\nThe book, with live widget pages: {book}/notebooks/paying_for_activity.html"
          "\n(press Run live on a widget page; Ctrl-C stops both servers)\n", flush=True)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
