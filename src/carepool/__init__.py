"""Who Holds the Budget? The model, corpus, charts and widgets behind the course."""

from __future__ import annotations

import importlib
import os

__version__ = "0.1.0"

# The budget-pooling model's public API (see the modules for details), each
# name imported on first use: the light parts of the package, such as the
# grading sandbox that every `nbgrader autograde` loads, then do not pay for
# pandas and Altair.
_API = {
    "payments": "carepool.payments",
    "reference": "carepool.reference",
    "arrangement": "carepool.arrangements",
    "arrangement_names": "carepool.arrangements",
    "all_arrangements": "carepool.arrangements",
    "Place": "carepool.place",
    "ServiceLine": "carepool.place",
    "Links": "carepool.place",
    "default_place": "carepool.place",
    "deficit_risk": "carepool.questions",
    "wrong_pocket": "carepool.questions",
    "monte_carlo": "carepool.simulation",
    "simulate": "carepool.simulation",
    "ModelInputError": "carepool.validation",
}
__all__ = list(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'carepool' has no attribute {name!r}")
    module = importlib.import_module(_API[name])
    value = module if module.__name__ == f"carepool.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


# In the book build (`make book` sets CAREPOOL_BOOK_BUILD, see
# carepool.offline_charts) charts are drawn by the site's own vendored Vega.
if os.environ.get("CAREPOOL_BOOK_BUILD"):
    from carepool.offline_charts import enable_for_book_build

    enable_for_book_build()
