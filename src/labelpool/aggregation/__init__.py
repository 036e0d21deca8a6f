"""Truth inference: pure NumPy/SciPy aggregation algorithms (no web, no database).

Every method takes integer-coded arrays ``(contributors, items, answers)`` (or, for the structured
kinds, per-answer objects) and returns a result with a ``confidence`` in [0, 1] per item. SciPy is
imported only inside the functions that need it, so importing this package costs only NumPy.
"""

from __future__ import annotations

from labelpool.aggregation.boxes import fuse_boxes
from labelpool.aggregation.categorical import majority_vote, wawa
from labelpool.aggregation.dawid_skene import dawid_skene, one_coin_dawid_skene
from labelpool.aggregation.encoding import CategoricalData, categorical_data, encode
from labelpool.aggregation.glad import glad
from labelpool.aggregation.mace import mace
from labelpool.aggregation.multilabel import encode_multilabel, multilabel_dawid_skene
from labelpool.aggregation.pairwise import bradley_terry, noisy_bradley_terry
from labelpool.aggregation.ratings import robust_rating
from labelpool.aggregation.regions import vote_regions
from labelpool.aggregation.results import (
    CategoricalResult,
    MultiLabelResult,
    PairwiseResult,
    RatingResult,
    StructuredResult,
    TextResult,
)
from labelpool.aggregation.rover import rover
from labelpool.aggregation.spans import vote_spans
from labelpool.aggregation.synthetic import make_categorical
from labelpool.aggregation.tracks import fuse_tracks

__all__ = [
    "CategoricalData",
    "CategoricalResult",
    "MultiLabelResult",
    "PairwiseResult",
    "RatingResult",
    "StructuredResult",
    "TextResult",
    "bradley_terry",
    "categorical_data",
    "dawid_skene",
    "encode",
    "encode_multilabel",
    "fuse_boxes",
    "fuse_tracks",
    "glad",
    "mace",
    "majority_vote",
    "make_categorical",
    "multilabel_dawid_skene",
    "noisy_bradley_terry",
    "one_coin_dawid_skene",
    "robust_rating",
    "rover",
    "vote_regions",
    "vote_spans",
    "wawa",
]
