"""The course stays true as the NHS changes: claims about today's NHS carry
their date, no reader-facing page cites the course's fact file, and no
chapter says it does not know what another chapter tells.

The NHS the course describes kept changing after it was written (42
integrated care boards from July 2022, clustered and merging from 2025; NHS
England's abolition announced in March 2025). A present-tense sentence about
a body that has since changed is wrong without anyone editing it, unless the
paragraph says when it was true.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from . import course_text as text

# Bodies and rules whose facts changed, or were announced to change, after 2022.
CHANGING = re.compile(
    r"\b(integrated care boards?|ICBs?|NHS England|integrated care partnerships?|"
    r"NHS Payment Scheme|Provider Selection Regime)\b"
)
PRESENT = re.compile(r"\b(is|are|has|have|holds|hold|keeps|keep|pays|pay|runs|run|must|can|remains|remain)\b")
DATED = re.compile(r"\b(19[89]\d|20[0-4]\d)\b|\bas of\b|\bfrom \d{4}\b", re.IGNORECASE)

# Paragraphs that may speak in the present of a changing body without a
# date, each with the reason it may: {(page name, phrase in the paragraph):
# reason}. Empty: every such paragraph in the book now carries its date. Add
# an entry only with a reason a reviewer can check.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def prose_paragraphs(markdown: str):
    """The page's paragraphs of running text: code, tables, block quotes and
    directives are left out (a quotation's tense is its author's)."""
    body = re.sub(r"^(```|~~~|:::).*?^\1", "", markdown, flags=re.S | re.M)
    for paragraph in re.split(r"\n\s*\n", body):
        lines = [line for line in paragraph.splitlines()
                 if not line.lstrip().startswith(("|", ">", "#", "(", "%", ":"))]
        joined = " ".join(lines).strip()
        if joined:
            yield joined


def undated_present_claims(page) -> list[str]:
    found = []
    for paragraph in prose_paragraphs(text.read(page)):
        if not CHANGING.search(paragraph) or DATED.search(paragraph):
            continue
        # Only the sentences that name a changing body in the present tense.
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", paragraph)
                     if CHANGING.search(s) and PRESENT.search(s)]
        if not sentences:
            continue
        if any(page.name == name and phrase in paragraph for name, phrase in EXCEPTIONS):
            continue
        found.append(f"{page.name}: {sentences[0][:140]}")
    return found


@pytest.mark.parametrize("page", text.PROSE_PAGES, ids=lambda p: p.name)
def test_every_present_tense_claim_about_the_nhs_is_dated_in_its_paragraph(page):
    assert undated_present_claims(page) == []


def test_every_exception_is_still_needed_and_says_why():
    for (name, phrase), reason in EXCEPTIONS.items():
        [page] = [p for p in text.PROSE_PAGES if p.name == name]
        paragraphs = [p for p in prose_paragraphs(text.read(page)) if phrase in p]
        assert paragraphs, f"{name}: exception no longer matches {phrase!r}"
        assert all(CHANGING.search(p) and not DATED.search(p) for p in paragraphs), (
            f"{name}: {phrase!r} is dated now; drop the exception")
        assert len(reason) > 20, "an exception says why"


def test_the_undated_claim_reader_catches_a_stale_sentence():
    page = text.BOOK / "chapters" / "_stale.md"
    sample = "There are 42 integrated care boards, and each holds the NHS budget.\n"
    assert [p for p in prose_paragraphs(sample) if CHANGING.search(p) and not DATED.search(p)]
    assert not [p for p in prose_paragraphs("In 2022 there were 42 integrated care boards.\n")
                if CHANGING.search(p) and not DATED.search(p)]
    assert not page.exists()


def test_a_count_of_boards_always_carries_its_years():
    for page in text.PROSE_PAGES:
        for paragraph in prose_paragraphs(text.read(page)):
            for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
                if re.search(r"\b42\b[^.]*\b(boards?|ICBs?|integrated care boards?)\b", sentence):
                    assert DATED.search(sentence), f"{page.name}: {sentence[:140]}"


# --- the fact file stays behind the scenes ---------------------------------------

FACT_FILE = re.compile(r"FACTS\.md|course-facts|\bfact file\b|\bchecked facts\b", re.IGNORECASE)


def reader_facing_files():
    """Every tracked file a reader or student sees: the book's pages, the live
    notebooks and the exercises' source notebooks (released to students)."""
    listed = subprocess.run(
        ["git", "ls-files", "book", "notebooks", "exercises/source", "_toc.yml"],
        cwd=text.ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    return [text.ROOT / name for name in listed if name.endswith((".md", ".ipynb", ".yml", ".bib"))]


def test_no_page_or_notebook_a_reader_sees_cites_the_course_fact_file():
    files = reader_facing_files()
    assert any(f.suffix == ".ipynb" for f in files) and any(f.name == "welcome.md" for f in files)
    citing = [f.relative_to(text.ROOT).as_posix() for f in files
              if f.exists() and FACT_FILE.search(f.read_text(encoding="utf-8"))]
    assert citing == []


# --- chapters do not contradict each other ---------------------------------------

STALE_SELF_REFERENCES = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine) chapters\b|this course does not know|"
    r"has not checked|our sources do not record how",
    re.IGNORECASE,
)


def test_no_chapter_counts_the_chapters_or_disowns_what_another_chapter_tells():
    # A count of chapters goes stale when a chapter is added; "this course does
    # not know" is false once a later chapter tells it.
    found = []
    for page in [text.WELCOME, *text.CHAPTERS]:
        for match in STALE_SELF_REFERENCES.finditer(text.read(page)):
            found.append(f"{page.name}: {match.group(0)}")
    assert found == []
