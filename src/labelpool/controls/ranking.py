"""ranking: order N responses from best to worst.

Config::

    {"name": "order", "kind": "ranking", "title": "Rank the responses, best first",
     "target": "responses", "size": 4}

`target` (required) is the data field holding the list of responses. `size` (optional, ≥ 2)
fixes N when the item data is not at hand.

Answer: a list of 0-based response indices, best first, e.g. ``[2, 0, 1]``: a permutation of
0..N-1 where N is the length of the target list in the item data when given, else `size`
when set, else the answer's own length.

Score: 1 - Kendall tau distance (the share of response pairs ordered differently): 1 for the
same order, 0 for the reversed order. Rankings of different responses score 0.
Agreement: mean pairwise score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any, Literal

from pydantic import Field

from labelpool.controls.base import JSON, AnswerError, ControlConfig
from labelpool.controls.common import SimpleKind, check_list, is_int, listing, quoted


class RankingConfig(ControlConfig):
    kind: Literal["ranking"] = "ranking"
    target: str = Field(min_length=1, description="The data field with the list to rank.")
    size: int | None = Field(default=None, ge=2, le=1000)


def kendall_distance(a: Sequence[int], b: Sequence[int]) -> float:
    """Share of item pairs the two rankings order differently (0 same, 1 reversed)."""
    position_a = {item: index for index, item in enumerate(a)}
    position_b = {item: index for index, item in enumerate(b)}
    pairs = list(combinations(list(a), 2))
    if not pairs:
        return 0.0
    discordant = sum(
        1 for x, y in pairs if (position_a[x] - position_a[y]) * (position_b[x] - position_b[y]) < 0
    )
    return discordant / len(pairs)


class RankingKind(SimpleKind[RankingConfig]):
    kind = "ranking"
    config_model = RankingConfig

    def expected_size(self, config: RankingConfig, data: Mapping[str, Any] | None) -> int | None:
        if data is not None and isinstance(data.get(config.target), list):
            return len(data[config.target])
        return config.size

    def check(self, config: RankingConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        order = check_list(name, answer, "response positions (best first)")
        for value in order:
            if not is_int(value):
                raise AnswerError(
                    name, f"{quoted(value)} is not a response position (0, 1, 2, ...)"
                )
        if not order:
            if config.required:
                raise AnswerError(name, "an answer is required; rank the responses")
            return []
        size = self.expected_size(config, data)
        n = size if size is not None else len(order)
        expected = set(range(n))
        out_of_range = [v for v in order if v not in expected]
        if out_of_range:
            raise AnswerError(
                name,
                f"there are {n} responses, numbered 0 to {n - 1}; "
                f"{listing(sorted(set(out_of_range)))} is not one of them",
            )
        repeated = sorted({v for v in order if order.count(v) > 1})
        if repeated:
            raise AnswerError(name, f"response {listing(repeated)} is ranked more than once")
        missing = sorted(expected - set(order))
        if missing:
            raise AnswerError(
                name, f"rank all {n} responses; response {listing(missing)} is not ranked"
            )
        return list(order)

    def similarity(self, config: RankingConfig, answer: JSON, gold: JSON) -> float:
        if sorted(answer) != sorted(gold):
            return 0.0
        return 1.0 - kendall_distance(answer, gold)
