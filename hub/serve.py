"""`make hub`: the course's JupyterHub class on 127.0.0.1, until Ctrl-C or `make hub-stop`.

    python hub/serve.py DIR [--port PORT] [--prefix P] [--students N]
    python hub/serve.py --stop DIR

Makes the class (hub/classroom.py), starts JupyterHub with hub/jupyterhub_config.py, prints the
address and the accounts, and waits. Stopping (Ctrl-C, SIGTERM, or `--stop` from another shell)
stops JupyterHub, which stops every user's server and its proxy, then removes the class: its
accounts, their homes and the course's copy in DIR. Nothing is left running or listening.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import classroom  # noqa: E402 (hub/classroom.py, beside this file)

BIN = Path(sys.executable).parent


class Hub:
    """A running hub: its class's folder, its process, its address."""

    def __init__(self, state: Path, prefix: str = "whb-", students: int = 3, port: int | None = None):
        self.state = state.resolve()
        self.klass = classroom.up(self.state, prefix, students, port)
        self.url = f"http://127.0.0.1:{self.klass['port']}"
        self.log = self.state / "hub" / "jupyterhub.log"
        self.process = None

    def start(self, timeout: float = 120) -> None:
        env = {**os.environ, "COURSE_HUB_DIR": str(self.state), "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
                cwd=self.state / "hub", env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        (self.state / "hub" / "serve.pid").write_text(f"{os.getpid()}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub stopped as it started:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer on {self.url} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def accounts(self) -> dict[str, str]:
        return classroom.accounts(self.state)

    def stop(self) -> None:
        """Stop the hub (it stops the users' servers and its proxy), then remove the class."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        proxy_pid = self.state / "hub" / "proxy.pid"
        if proxy_pid.is_file():  # the hub removes it when it stops its proxy; still there: stop it
            try:
                os.kill(int(proxy_pid.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass
        classroom.down(self.state)


def serve(args) -> int:
    if os.geteuid() != 0:
        print("make hub makes local accounts and runs each person's server as that account: run it as root",
              file=sys.stderr)
        return 2
    hub = Hub(Path(args.dir), args.prefix, args.students, args.port)
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stopping.append(True))
    try:
        hub.start()
        lines = [f"The course's JupyterHub is at {hub.url} (this machine only). Log in as:"]
        for name, password in hub.accounts().items():
            role = "instructor" if name == hub.klass["instructor"] else "student"
            lines.append(f"  {name:24} password {password}  ({role})")
        lines += [f"(The accounts are also in {hub.state / 'accounts.txt'}, readable by root only.)",
                  f"The instructor's course folder: {hub.klass['course']}; the exchange: {hub.klass['exchange']}.",
                  f"JupyterHub's log: {hub.log}",
                  "Stop with Ctrl-C or `make hub-stop`: the accounts, their homes and the course's copy are removed."]
        print("\n".join(lines), flush=True)
        while not stopping and hub.process.poll() is None:
            time.sleep(0.5)
        if hub.process.poll() is not None and not stopping:
            print(f"JupyterHub stopped by itself:\n{hub.log_tail()}", file=sys.stderr)
            return 1
        return 0
    finally:
        print("Stopping the hub and removing the class...", flush=True)
        hub.stop()
        print("Stopped.", flush=True)


def stop(state: Path) -> int:
    """Ask the `make hub` serving `state` to stop, and wait until it has (or clean up after one that died)."""
    pid_file = state / "hub" / "serve.pid"
    if pid_file.is_file():
        pid = int(pid_file.read_text().strip())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
    if (state / "class.json").is_file():  # its launcher died before cleaning up
        classroom.down(state)
    print(f"No hub is running for {state}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="the class's folder (made; removed when the hub stops)")
    parser.add_argument("--stop", action="store_true", help="stop the hub serving DIR")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--prefix", default="whb-")
    parser.add_argument("--students", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.stop and (problem := classroom.bad_class(args.prefix, args.students)):
        parser.error(problem)
    return stop(args.dir.resolve()) if args.stop else serve(args)


if __name__ == "__main__":
    sys.exit(main())
