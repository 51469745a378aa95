"""Rewrite ``reading/`` from the originals: ``python -m carepool.corpus.regenerate``.

Run it after changing a furniture rule in ``records.yaml``; the tests check
that the stored reading texts are exactly what the rules make.
"""

from __future__ import annotations

from importlib import resources

from carepool.corpus.records import all_records
from carepool.corpus.texts import derived_reading_text


def write_reading_texts() -> None:
    folder = resources.files("carepool.corpus").joinpath("reading")
    for r in all_records():
        path = folder.joinpath(f"{r.id}.txt")
        with open(str(path), "w", encoding="utf-8", newline="\n") as out:
            out.write(derived_reading_text(r.id))
        print(f"wrote {path}")


if __name__ == "__main__":
    write_reading_texts()
