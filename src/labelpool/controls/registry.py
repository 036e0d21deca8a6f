"""All control kinds by name."""

from __future__ import annotations

from typing import Any

from labelpool.controls.base import ControlKind
from labelpool.controls.boxes import BoxesKind
from labelpool.controls.choice import ChoiceKind
from labelpool.controls.keypoints import KeypointsKind
from labelpool.controls.pairwise import PairwiseKind
from labelpool.controls.polygons import PolygonsKind
from labelpool.controls.ranking import RankingKind
from labelpool.controls.rating import RatingKind
from labelpool.controls.regions import RegionsKind
from labelpool.controls.spans import SpansKind
from labelpool.controls.text import TextKind
from labelpool.controls.tracks import TracksKind

KINDS: dict[str, ControlKind[Any]] = {
    kind.kind: kind
    for kind in (
        ChoiceKind(),
        RatingKind(),
        PairwiseKind(),
        RankingKind(),
        TextKind(),
        SpansKind(),
        BoxesKind(),
        PolygonsKind(),
        KeypointsKind(),
        RegionsKind(),
        TracksKind(),
    )
}


class UnknownKindError(KeyError, ValueError):
    """No control kind has this name (both a KeyError and a ValueError)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name
        self.message = f"'{name}' is not a control kind; known kinds: {', '.join(sorted(KINDS))}"

    def __str__(self) -> str:
        return self.message


def kind_for(name: str) -> ControlKind[Any]:
    """The control kind called `name`; UnknownKindError (a KeyError) listing the known ones."""
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise UnknownKindError(str(name)) from None
