"""Keyword in context: every place a word occurs, with the text around it."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from carepool.corpus import records
from carepool.corpus.texts import paragraphs

COLUMNS = ["id", "paragraph", "left", "keyword", "right"]


def concordance(
    keyword: str,
    width: int = 40,
    source_ids: Iterable[str] | None = None,
    whole_word: bool = False,
) -> pd.DataFrame:
    """Each occurrence of ``keyword`` in the reading texts, case-insensitively.

    One row per hit: the source id, the paragraph number (from 1), up to
    ``width`` characters either side, and the keyword as the text spells it.
    ``whole_word`` matches only where the keyword is not part of a longer
    word ('ACO' but not 'ACOs'). Searches every source unless ``source_ids``
    names some; an unknown id raises UnknownSourceError.
    """
    if not isinstance(keyword, str) or not keyword.strip():
        raise ValueError(f"keyword must be non-empty text; got {keyword!r}")
    if isinstance(width, bool) or not isinstance(width, int) or width < 0:
        raise ValueError(f"width must be a whole number of characters, 0 or more; got {width!r}")
    pattern = re.escape(keyword)
    if whole_word:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    finder = re.compile(pattern, re.IGNORECASE)
    ids = records.source_ids() if source_ids is None else list(source_ids)
    rows = [
        {
            "id": sid,
            "paragraph": number,
            "left": para[max(0, hit.start() - width): hit.start()],
            "keyword": hit.group(),
            "right": para[hit.end(): hit.end() + width],
        }
        for sid in ids
        for number, para in enumerate(paragraphs(sid), start=1)
        for hit in finder.finditer(para)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)

