"""Truth inference: pure NumPy/SciPy aggregation algorithms (no web, no database).

Every method takes integer-coded arrays ``(contributors, items, answers)`` (or, for the structured
kinds, per-answer objects) and returns a result with a ``confidence`` in [0, 1] per item. SciPy is
imported only inside the functions that need it, so importing this package costs only NumPy.
"""

from __future__ import annotations

from labelpool.aggregation.categorical import majority_vote, wawa
from labelpool.aggregation.dawid_skene import dawid_skene, one_coin_dawid_skene
from labelpool.aggregation.encoding import CategoricalData, categorical_data, encode
from labelpool.aggregation.glad import glad
from labelpool.aggregation.mace import mace
from labelpool.aggregation.results import CategoricalResult, MultiLabelResult, PairwiseResult
from labelpool.aggregation.synthetic import make_categorical

__all__ = [
    "CategoricalData",
    "CategoricalResult",
    "MultiLabelResult",
    "PairwiseResult",
    "categorical_data",
    "dawid_skene",
    "encode",
    "glad",
    "mace",
    "majority_vote",
    "make_categorical",
    "one_coin_dawid_skene",
    "wawa",
]
