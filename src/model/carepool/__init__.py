"""Who Holds the Budget? The budget-pooling model and the primary-source corpus.

The model's public API; see the modules for details and the book's *Model
reference* page for the design. Importing carepool changes nothing outside it.
"""

from __future__ import annotations

from carepool import payments
from carepool.arrangements import all_arrangements, arrangement, arrangement_names
from carepool.flows import money_flows
from carepool.levers import Lever, all_levers, lever
from carepool.place import Links, Place, ServiceLine, default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import monte_carlo, simulate
from carepool.validation import ModelInputError

__version__ = "0.2.0"

__all__ = [
    "payments",
    "arrangement",
    "arrangement_names",
    "all_arrangements",
    "money_flows",
    "Lever",
    "lever",
    "all_levers",
    "Place",
    "ServiceLine",
    "Links",
    "default_place",
    "deficit_risk",
    "wrong_pocket",
    "monte_carlo",
    "simulate",
    "ModelInputError",
]
