"""The book builds with warnings as errors, and a failing cell fails it."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_course_builds_strictly(built_book: Path):
    pages = list(built_book.rglob("*.html"))
    assert (built_book / "book" / "welcome.html").is_file()
    assert (built_book / "notebooks" / "first_explorer.html").is_file()
    assert len(pages) >= 3


def _minimal_book(tmp_path: Path, page: str) -> Path:
    """A copy of the course's configuration with a single page."""
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    (book / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    shutil.copytree(ROOT / "_static", book / "_static")
    (book / "_vendor").symlink_to(ROOT / "_vendor", target_is_directory=True)
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (book / "page.md").write_text(page)
    return book


NOTEBOOK_PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# A page with code

```{code-cell} ipython3
%s
```
"""


def test_a_failing_cell_fails_the_build(tmp_path: Path, book_build):
    book = _minimal_book(tmp_path, NOTEBOOK_PAGE % 'raise RuntimeError("this cell fails on purpose")')
    result = book_build(book)
    assert result.returncode != 0
    assert "this cell fails on purpose" in result.stdout + result.stderr


def test_the_minimal_copy_builds_when_the_cell_works(tmp_path: Path, book_build):
    # Guards the test above: the copy fails because of the cell, not the set-up.
    book = _minimal_book(tmp_path, NOTEBOOK_PAGE % "print(1 + 1)")
    result = book_build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_a_broken_reference_fails_the_build(tmp_path: Path, book_build):
    book = _minimal_book(tmp_path, "# A page\n\nSee {doc}`no_such_page`.\n")
    result = book_build(book)
    assert result.returncode != 0
    assert "no_such_page" in result.stdout + result.stderr


def test_a_build_with_nothing_changed_is_skipped_and_any_change_rebuilds(tmp_path: Path, book_build):
    book = _minimal_book(tmp_path, "# A page\n\nThe first text.\n")
    assert book_build(book).returncode == 0
    page = book / "_build" / "html" / "page.html"
    built_at = page.stat().st_mtime_ns

    again = book_build(book)
    assert again.returncode == 0 and "nothing has changed" in again.stdout
    assert page.stat().st_mtime_ns == built_at  # not rebuilt

    (book / "page.md").write_text("# A page\n\nThe second text.\n")
    changed = book_build(book)
    assert changed.returncode == 0, changed.stdout[-3000:] + changed.stderr[-3000:]
    assert "nothing has changed" not in changed.stdout
    assert "The second text." in page.read_text("utf-8")
