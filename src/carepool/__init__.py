"""Who Holds the Budget? The model, corpus, charts and widgets behind the course."""

from carepool.offline_charts import enable_for_book_build as _enable_for_book_build

__version__ = "0.1.0"

# The budget-pooling model's public API (see the modules for details).
from carepool import payments, reference  # noqa: E402,F401
from carepool.arrangements import arrangement, arrangement_names, all_arrangements  # noqa: E402,F401
from carepool.place import Place, ServiceLine, Links, default_place  # noqa: E402,F401
from carepool.questions import deficit_risk, wrong_pocket  # noqa: E402,F401
from carepool.simulation import monte_carlo, simulate  # noqa: E402,F401
from carepool.validation import ModelInputError  # noqa: E402,F401

# In the book build charts are drawn by the site's own vendored Vega.
_enable_for_book_build()
