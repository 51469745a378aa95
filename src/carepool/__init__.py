"""Who Holds the Budget? The model, corpus, charts and widgets behind the course."""

from carepool.offline_charts import enable_for_book_build as _enable_for_book_build

__version__ = "0.1.0"

# In the book build charts are drawn by the site's own vendored Vega.
_enable_for_book_build()
