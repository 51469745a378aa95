"""Reading the course text for the tests: chapters, quotations, terms, citations.

The quotation convention the chapters follow (and these helpers check):

* Inline: a quotation in curly double quotes, immediately followed (after
  optional space and an opening parenthesis) by a ``{ref}`` to a paragraph
  label of a primary source, e.g.
  ``“the NHS is now a monster” ({ref}`Letters 2018, ¶5 <source-guardian-letters-2018-p5>`)``.
* Block: a block quote (``>`` lines) whose last line is an attribution
  ``> — {ref}`... <source-<id>-p<n>>```.

The quoted words must occur in that paragraph of the source's reading text,
word for word; only runs of white space are treated as equal (Markdown
renders them alike).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
CHAPTERS = sorted((BOOK / "chapters").glob("*.md"))
WELCOME = BOOK / "welcome.md"
GLOSSARY = BOOK / "glossary.md"
TIMELINE_PAGE = BOOK / "timeline.md"
BIBLIOGRAPHY = BOOK / "references.bib"
# The pages whose prose this helper's owner writes: quotations, terms and
# citations are checked across all of them.
PROSE_PAGES = [WELCOME, *CHAPTERS, TIMELINE_PAGE, GLOSSARY]

_LABEL = r"source-(?P<source>[a-z0-9]+(?:-[a-z0-9]+)*?)(?:-p(?P<paragraph>\d+))?"
SOURCE_REF = re.compile(r"\{ref\}`(?:[^`<]*<)?" + _LABEL + r">?`")
INLINE_QUOTATION = re.compile(
    r"“(?P<quoted>[^“”]+)”[ \t]*\(?[ \t]*\{ref\}`(?:[^`<]*<)?" + _LABEL + r">?`"
)
ATTRIBUTION = re.compile(r"^>\s*—\s*\{ref\}`(?:[^`<]*<)?" + _LABEL + r">?`\s*$")


@dataclass(frozen=True)
class Quotation:
    """A quotation attributed to a primary source, where the chapter has it."""

    page: str
    source: str
    paragraph: int | None
    quoted: str


def normalise(text: str) -> str:
    """Collapse runs of white space, which Markdown renders alike."""
    return " ".join(text.split())


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _quotation(page: str, label: re.Match, quoted: str) -> Quotation:
    """A quotation of `quoted`, attributed by the source label `label` matched."""
    paragraph = label.group("paragraph")
    return Quotation(page, label.group("source"), int(paragraph) if paragraph else None, normalise(quoted))


def inline_quotations(text: str, page: str = "") -> list[Quotation]:
    """Quotations in curly quotes followed by a {ref} to a source label."""
    return [_quotation(page, match, match.group("quoted")) for match in INLINE_QUOTATION.finditer(text)]


def block_quotations(text: str, page: str = "") -> list[Quotation]:
    """Block quotes whose attribution line is a {ref} to a source label."""
    found = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = ATTRIBUTION.match(line.strip())
        if not match:
            continue
        # Walk back over the block quote's lines to its start.
        body = []
        start = number - 1
        while start >= 0 and lines[start].lstrip().startswith(">"):
            body.insert(0, lines[start].lstrip()[1:].strip())
            start -= 1
        found.append(_quotation(page, match, " ".join(body)))
    return found


def quotations(text: str, page: str = "") -> list[Quotation]:
    """Every quotation the text attributes to a primary source."""
    return inline_quotations(text, page) + block_quotations(text, page)


def source_refs(text: str) -> list[tuple[str, int | None]]:
    """Every {ref} to a source page or paragraph: (source id, paragraph or None)."""
    refs = []
    for match in SOURCE_REF.finditer(text):
        paragraph = match.group("paragraph")
        refs.append((match.group("source"), int(paragraph) if paragraph else None))
    return refs


def section(text: str, heading: str) -> str:
    """The body of the level-2 section whose heading starts with ``heading``."""
    pattern = re.compile(
        r"^## " + re.escape(heading) + r".*?$(?P<body>.*?)(?=^## |\Z)",
        re.MULTILINE | re.DOTALL,
    )
    match = pattern.search(text)
    return match.group("body") if match else ""


def headings(text: str) -> list[str]:
    """The chapter's level-2 headings, in order."""
    return re.findall(r"^## (.+?)\s*$", text, re.MULTILINE)


def argument(text: str) -> str:
    """The argument: everything after the learning outcomes and before the
    check-your-understanding questions."""
    start = re.search(r"^## Learning outcomes.*?(?=^## )", text, re.MULTILINE | re.DOTALL)
    end = re.search(r"^## Check your understanding", text, re.MULTILINE)
    if not start or not end:
        return ""
    return text[start.end() : end.start()]


def words(markdown: str) -> int:
    """Words a reader reads: MyST comments, code cells and role names removed."""
    text = re.sub(r"^```\{code-cell\}.*?^```", " ", markdown, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"^%.*$", " ", text, flags=re.MULTILINE)
    text = re.sub(r"\{[a-z:]+\}`([^`<]*)(?:<[^`]*>)?`", r"\1", text)
    return len(re.findall(r"[A-Za-z0-9£%][\w’'£%.,-]*", text))


def glossary_terms() -> list[str]:
    """The terms the glossary defines (one unindented line per term)."""
    body = re.search(r"```\{glossary\}\n(.*?)^```", read(GLOSSARY), re.MULTILINE | re.DOTALL)
    assert body, "book/glossary.md has no {glossary} directive"
    return [line.strip() for line in body.group(1).splitlines() if line and not line[0].isspace()]


def term_refs(text: str) -> list[str]:
    """Targets of {term} roles, lower-cased as Sphinx matches them."""
    targets = []
    for match in re.finditer(r"\{term\}`([^`]+)`", text):
        content = normalise(match.group(1))
        explicit = re.search(r"<([^<>]+)>$", content)
        targets.append((explicit.group(1) if explicit else content).strip().lower())
    return targets


def cite_keys(text: str) -> list[str]:
    """Keys of every {cite}, {cite:p}, {cite:t}... role."""
    keys = []
    for match in re.finditer(r"\{cite(?::[a-z]+)?\}`([^`]+)`", text):
        keys.extend(key.strip() for key in match.group(1).split(","))
    return keys


def bibliography_keys() -> list[str]:
    """Entry keys of book/references.bib, in file order."""
    return re.findall(r"^@\w+\{\s*([^,\s]+)\s*,", read(BIBLIOGRAPHY), re.MULTILINE)
