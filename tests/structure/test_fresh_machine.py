"""A fresh machine builds the same course with no luck needed.

- requirements.lock pins, with hashes, a version of every package the parts
  and the test group ask for, and that version is one they allow.
- Each program the commands use is installed from the Debian package that
  holds it; PostgreSQL is found whichever major version Debian installs, and
  Chromium wherever it is on PATH.
- `make check` runs no npm; `make book` and `make test` do.
- Upgrading an installed package changes the build's digest (so the book is
  built again).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scripts import build_book, system_tools
from tests.support import ROOT

PARTS = {"carepool": "src/model", "coursebook": "src/book", "coursegrading": "src/grading"}


def _locked() -> dict[str, list[Requirement]]:
    """Each package in requirements.lock -> its pins (one per marker), with the hashes checked present."""
    text = (ROOT / "requirements.lock").read_text()
    pins: dict[str, list[Requirement]] = {}
    for entry in re.split(r"\n(?=\S)", text):
        if entry.startswith("#") or not entry.strip():
            continue
        spec, *hashes = [part.strip() for part in entry.split("\\\n")]
        spec = spec.split("\n")[0].strip()
        assert any(h.startswith("--hash=sha256:") for h in hashes), f"no hash for {spec!r}"
        requirement = Requirement(spec)
        assert str(requirement.specifier).startswith("=="), f"not pinned: {spec!r}"
        pins.setdefault(canonicalize_name(requirement.name), []).append(requirement)
    return pins


def _asked_for() -> list[tuple[str, Requirement]]:
    asked = []
    for part, folder in PARTS.items():
        project = tomllib.loads((ROOT / folder / "pyproject.toml").read_text())["project"]
        asked += [(part, Requirement(dep)) for dep in project["dependencies"]]
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    asked += [("test group", Requirement(dep)) for dep in groups["test"]]
    return asked


def test_the_lock_pins_with_hashes_a_version_of_everything_asked_for_that_allows_it():
    locked, ours = _locked(), set(map(canonicalize_name, PARTS))
    assert locked, "requirements.lock is empty"
    wrong = {}
    for who, requirement in _asked_for():
        name = canonicalize_name(requirement.name)
        if name in ours:
            continue
        # The pin this machine's Python takes (a package may be pinned differently by Python version).
        pins = [p for p in locked.get(name, []) if p.marker is None or p.marker.evaluate()]
        if not pins:
            wrong[f"{who}: {requirement}"] = "not in requirements.lock (run `make lock`)"
        elif not requirement.specifier.contains(next(iter(pins[0].specifier)).version, prereleases=True):
            wrong[f"{who}: {requirement}"] = f"locked at {pins[0].specifier} (run `make lock`)"
    assert wrong == {}


def test_the_lock_holds_the_installer_and_the_build_backend_the_parts_are_installed_with():
    locked = _locked()
    assert {"pip", "setuptools", "wheel"} <= set(locked)
    for folder in PARTS.values():
        backend = tomllib.loads((ROOT / folder / "pyproject.toml").read_text())["build-system"]["requires"]
        for requirement in map(Requirement, backend):
            version = next(iter(locked[canonicalize_name(requirement.name)][0].specifier)).version
            assert requirement.specifier.contains(version), f"{folder} builds with {requirement}, locked {version}"


def test_carepool_installs_on_every_python_from_3_11_with_no_upper_bound():
    for folder in PARTS.values():
        project = tomllib.loads((ROOT / folder / "pyproject.toml").read_text())["project"]
        assert project["requires-python"] == ">=3.11", folder


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_postgres_is_found_whichever_major_version_debian_installs(tmp_path, monkeypatch):
    monkeypatch.delenv("PG_BIN", raising=False)
    for major in ("9.6", "13", "17"):
        _executable(tmp_path / major / "bin" / "initdb")
    (tmp_path / "18" / "bin").mkdir(parents=True)  # a client-only folder: no initdb
    assert system_tools.postgres_bin(tmp_path) == tmp_path / "17" / "bin"


def test_postgres_is_found_on_path_where_debian_has_none(tmp_path, monkeypatch):
    monkeypatch.delenv("PG_BIN", raising=False)
    initdb = _executable(tmp_path / "pg" / "bin" / "initdb")
    monkeypatch.setenv("PATH", str(initdb.parent))
    assert system_tools.postgres_bin(tmp_path / "no-debian-here") == initdb.parent


def test_chromium_is_found_on_path_not_assumed_at_one(tmp_path, monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    browser = _executable(tmp_path / "chromium-browser")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert system_tools.chromium() == str(browser)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert system_tools.chromium() is None


def test_each_missing_program_is_installed_from_the_debian_package_that_holds_it(monkeypatch):
    monkeypatch.setattr(system_tools.shutil, "which", lambda name: None)
    monkeypatch.setattr(system_tools, "DEBIAN_POSTGRES", Path("/nonexistent"))
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.delenv("PG_BIN", raising=False)
    monkeypatch.setattr(system_tools, "venv_package", lambda: "python3.11-venv")
    # An older Debian: setpriv is part of util-linux.
    monkeypatch.setattr(system_tools, "_apt_knows", lambda package: package != "setpriv")
    assert system_tools.missing_packages("test") == [
        "python3.11-venv", "nodejs", "npm", "procps", "util-linux", "bubblewrap", "chromium", "postgresql"]
    assert system_tools.missing_packages("book") == ["python3.11-venv", "nodejs", "npm"]
    assert system_tools.missing_packages("python") == ["python3.11-venv"]
    # A newer Debian: setpriv has a package of its own.
    monkeypatch.setattr(system_tools, "_apt_knows", lambda package: True)
    assert "setpriv" in system_tools.missing_packages("test")


def test_every_program_the_tests_run_is_there_when_make_test_runs_them():
    if not system_tools.required():
        pytest.skip("only under `make test`, which installs them (COURSE_TOOLS_REQUIRED=1)")
    assert system_tools.missing_packages("test") == []
    assert (system_tools.postgres_bin() / "pg_ctl").is_file()


def _dry_run(target: str) -> str:
    """What `make TARGET` would run on a fresh clone (every file out of date), without running it."""
    run = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "MAKEFLAGS": ""})
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_make_check_needs_no_javascript_and_make_book_and_make_test_install_everything():
    check, book, test = _dry_run("check"), _dry_run("book"), _dry_run("test")
    assert "npm" not in check and "install book" not in check and "install test" not in check
    assert "install python" in check
    for commands in (book, test):
        assert "npm ci" in commands
        assert "--require-hashes --no-deps -r requirements.lock" in commands
    assert "system_tools.py install book" in book
    assert "system_tools.py install test" in test
    assert "COURSE_TOOLS_REQUIRED=1" in test


class _Installed:
    def __init__(self, name: str, version: str):
        self.metadata, self.version = {"Name": name}, version


def test_upgrading_an_installed_package_changes_the_build_digest(tmp_path, monkeypatch):
    import importlib.metadata

    (tmp_path / "_config.yml").write_text("title: t\n")
    digests = []
    for altair in ("6.3.0", "6.4.0"):
        installed = [_Installed("altair", altair), _Installed("pandas", "3.1.1")]
        monkeypatch.setattr(importlib.metadata, "distributions", lambda: iter(installed))
        digests.append(build_book.digest(tmp_path, (), build_book.environment()))
    assert digests[0] != digests[1]
    monkeypatch.undo()
    assert f"altair=={importlib.metadata.version('altair')}" in build_book.environment().splitlines()
