"""The course's five primary sources: records, texts and a concordance.

>>> from carepool import corpus
>>> corpus.load()                        # one row per source
>>> corpus.paragraphs("lilley-deja-vu-2011")[16]   # paragraph 17
>>> corpus.concordance("ACO", whole_word=True)
"""

from carepool.corpus.concordance import concordance
from carepool.corpus.furniture import FurnitureRuleError
from carepool.corpus.records import (
    RecordError,
    SourceRecord,
    UnknownSourceError,
    record,
    source_ids,
)
from carepool.corpus.table import load
from carepool.corpus.texts import original_bytes, paragraphs, text

__all__ = [
    "FurnitureRuleError",
    "RecordError",
    "SourceRecord",
    "UnknownSourceError",
    "concordance",
    "load",
    "original_bytes",
    "paragraphs",
    "record",
    "source_ids",
    "text",
]
