"""ranking: a best-first permutation of N responses, scored by Kendall tau distance."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.ranking import RankingConfig, RankingKind, kendall_distance

KIND = RankingKind()

ORDER = {
    "name": "order",
    "kind": "ranking",
    "title": "Rank the responses, best first",
    "target": "responses",
}
DATA = {"responses": ["first", "second", "third", "fourth"]}


def config(**changes: object) -> RankingConfig:
    return KIND.parse_config({**ORDER, **changes})


def test_config_needs_a_target_and_a_sane_size() -> None:
    assert config(size=3).size == 3
    with pytest.raises(ValidationError, match="target"):
        KIND.parse_config({k: v for k, v in ORDER.items() if k != "target"})
    with pytest.raises(ValidationError, match="greater than or equal to 2"):
        config(size=1)


def test_valid_permutations() -> None:
    assert KIND.validate_answer(config(), [2, 0, 3, 1], DATA) == [2, 0, 3, 1]
    assert KIND.validate_answer(config(size=3), [1, 2, 0]) == [1, 2, 0]
    # neither data nor size: any permutation of 0..len-1
    assert KIND.validate_answer(config(), [1, 0]) == [1, 0]


@pytest.mark.parametrize(
    ("answer", "data", "changes", "message"),
    [
        ([0, 1, 2], DATA, {}, "order: rank all 4 responses; response 3 is not ranked"),
        (
            [0, 1, 2, 4],
            DATA,
            {},
            "order: there are 4 responses, numbered 0 to 3; 4 is not one of them",
        ),
        ([0, 1, 1, 2], DATA, {}, "order: response 1 is ranked more than once"),
        ([0, 1, 3], None, {"size": 3}, "there are 3 responses, numbered 0 to 2"),
        ([0, 2], None, {}, "order: there are 2 responses, numbered 0 to 1; 2 is not one of them"),
        ([0, "1"], None, {}, "order: '1' is not a response position (0, 1, 2, ...)"),
        ([0, True], None, {}, "true is not a response position"),
        ({"0": 1}, None, {}, "order: expected a list of response positions (best first)"),
        ([], None, {}, "order: an answer is required; rank the responses"),
    ],
)
def test_invalid_answers(
    answer: object, data: dict[str, object] | None, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer, data)
    assert message in str(info.value)


def test_data_length_wins_over_size() -> None:
    assert KIND.validate_answer(config(size=3), [3, 2, 1, 0], DATA) == [3, 2, 1, 0]


def test_kendall_distance() -> None:
    assert kendall_distance([0, 1, 2, 3], [0, 1, 2, 3]) == 0.0
    assert kendall_distance([0, 1, 2, 3], [3, 2, 1, 0]) == 1.0
    # one adjacent swap: 1 discordant pair of 6
    assert kendall_distance([1, 0, 2, 3], [0, 1, 2, 3]) == pytest.approx(1 / 6)


def test_score_maps_kendall_distance_to_one_for_identical_zero_for_reversed() -> None:
    parsed = config()
    assert KIND.score(parsed, [0, 1, 2, 3], [0, 1, 2, 3]) == 1.0
    assert KIND.score(parsed, [3, 2, 1, 0], [0, 1, 2, 3]) == 0.0
    assert KIND.score(parsed, [1, 0, 2, 3], [0, 1, 2, 3]) == pytest.approx(5 / 6)
    # [2,0,1] vs [0,1,2]: pairs (0,1) agree, (0,2) and (1,2) disagree → 1 - 2/3
    assert KIND.score(parsed, [2, 0, 1], [0, 1, 2]) == pytest.approx(1 / 3)
    # rankings of different numbers of responses cannot be compared
    assert KIND.score(parsed, [0, 1], [0, 1, 2]) == 0.0


def test_agreement_is_mean_pairwise_score() -> None:
    # [0,1,2] vs [0,1,2] = 1, each vs [1,0,2] = 2/3 → (1 + 2/3 + 2/3) / 3
    answers = [[0, 1, 2], [0, 1, 2], [1, 0, 2]]
    assert KIND.agreement(config(), answers) == pytest.approx(7 / 9)


def test_export_round_trip() -> None:
    answer = KIND.validate_answer(config(), [1, 0, 2], {"responses": ["x", "y", "z"]})
    assert KIND.export(config(), answer) == [1, 0, 2]
    assert KIND.validate_answer(config(size=3), KIND.export(config(), answer)) == answer
