"""Truth inference: pure NumPy/SciPy aggregation algorithms (no web, no database).

Every method takes integer-coded arrays ``(contributors, items, answers)`` (or, for the structured
kinds, per-answer objects) and returns a result with a ``confidence`` in [0, 1] per item. SciPy is
imported only inside the functions that need it, and the structured, pairwise and rating methods
only when first used: the `aggregate` command's start-up is part of its time budget.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Submodules that share a name with their function are imported now: importing such a module
# later would set the package attribute to the module, shadowing the function.
from labelpool.aggregation.categorical import majority_vote, wawa
from labelpool.aggregation.dawid_skene import dawid_skene, one_coin_dawid_skene
from labelpool.aggregation.encoding import CategoricalData, categorical_data, encode
from labelpool.aggregation.glad import glad
from labelpool.aggregation.mace import mace
from labelpool.aggregation.results import (
    CategoricalResult,
    MultiLabelResult,
    PairwiseResult,
    RatingResult,
    StructuredResult,
    TextResult,
)
from labelpool.aggregation.rover import rover

if TYPE_CHECKING:
    from labelpool.aggregation.boxes import fuse_boxes
    from labelpool.aggregation.multilabel import encode_multilabel, multilabel_dawid_skene
    from labelpool.aggregation.pairwise import bradley_terry, noisy_bradley_terry
    from labelpool.aggregation.ratings import robust_rating
    from labelpool.aggregation.regions import vote_regions
    from labelpool.aggregation.spans import vote_spans
    from labelpool.aggregation.synthetic import make_categorical
    from labelpool.aggregation.tracks import fuse_tracks

# The rest load on first use (saves ~40 ms of the `aggregate` command's start-up).
_LAZY: dict[str, str] = {
    "bradley_terry": "pairwise",
    "encode_multilabel": "multilabel",
    "fuse_boxes": "boxes",
    "fuse_tracks": "tracks",
    "make_categorical": "synthetic",
    "multilabel_dawid_skene": "multilabel",
    "noisy_bradley_terry": "pairwise",
    "robust_rating": "ratings",
    "vote_regions": "regions",
    "vote_spans": "spans",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


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
