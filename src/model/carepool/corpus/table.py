"""The corpus as a table: one row per source, for overviews and exercises."""

from __future__ import annotations

import pandas as pd

from carepool.corpus.records import all_records
from carepool.corpus.texts import paragraphs


def load() -> pd.DataFrame:
    """One row per source: every record field, plus its number of paragraphs.

    List fields (authors, arrangements, ...) hold Python lists; date bounds are
    pandas Timestamps, or NaT where unknown.
    """
    rows = [{**r.as_dict(), "paragraph_count": len(paragraphs(r.id))} for r in all_records()]
    frame = pd.DataFrame(rows)
    for column in ("date_earliest", "date_latest"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
