"""The quotation convention is read as the chapters use it (no corpus needed)."""

import re

from . import course_text as text


def test_an_inline_quotation_is_read_with_its_source_and_paragraph():
    line = "He writes “the NHS is now a monster” ({ref}`Letters, ¶5 <source-guardian-letters-2018-p5>`)."
    [quotation] = text.quotations(line)
    assert (quotation.source, quotation.paragraph, quotation.quoted) == (
        "guardian-letters-2018",
        5,
        "the NHS is now a monster",
    )


def test_a_block_quotation_is_read_from_all_its_lines():
    block = "\n".join(
        [
            "> This could be an NHS trust,",
            "> but it could be Virgin.",
            ">",
            "> — {ref}`Liverpool blog, ¶3 <source-liverpool-aco-blog-p3>`",
        ]
    )
    [quotation] = text.quotations(block)
    assert quotation.source == "liverpool-aco-blog"
    assert quotation.paragraph == 3
    assert quotation.quoted == "This could be an NHS trust, but it could be Virgin."


def test_a_quotation_attributed_only_to_a_source_page_has_no_paragraph():
    line = "“words” ({ref}`the source <source-reworking-the-nhs>`)"
    [quotation] = text.quotations(line)
    assert quotation.source == "reworking-the-nhs"
    assert quotation.paragraph is None


def test_every_chapter_quotation_names_its_paragraph():
    unplaced = [
        (page.name, q.quoted)
        for page in text.PROSE_PAGES
        if page.exists()
        for q in text.quotations(text.read(page))
        if q.paragraph is None
    ]
    assert not unplaced, unplaced


def _prose_without_code(markdown: str) -> str:
    """The page with its fenced code and code cells taken out (a $ there is Python, not money)."""
    return re.sub(r"^(```|~~~).*?^\1", "", markdown, flags=re.S | re.M)


def test_a_sum_of_money_in_dollars_is_never_read_as_maths():
    # The book parses $...$ as inline maths (dollarmath): "$144 ... $3" would be typeset
    # as a formula. Amounts in dollars are written \$144.
    pages = sorted(text.BOOK.rglob("*.md"))
    unescaped = {p.relative_to(text.BOOK).as_posix(): re.findall(r"(?<!\\)\$\d[\d.,]*\w*", _prose_without_code(p.read_text("utf-8")))
                 for p in pages if "student" not in p.parts}
    assert {p: found for p, found in unescaped.items() if found} == {}
