"""Free text: ROVER (Recognizer Output Voting Error Reduction, Fiscus 1997).

The answers of an item are tokenised and aligned one after another into a word transition
network (WTN): a sequence of slots, each holding the words the answers put there (or the empty
word when an answer skips the slot). Each slot then votes, weighted by contributor weight, and
the winning words, without the empty ones, are joined back into text. By default the result is
then chosen as the generalised median among that vote, the vote of a network built from the most
central answer, and the answers themselves (see :func:`rover`).

The alignment is the dynamic programme of Crowd-Kit's ``ROVER`` (cost 1 for a substitution,
insertion or deletion; deleting a slot that already holds the empty word is free; ties prefer
match/substitution, then deletion, then insertion) and so are the vote tie-breaks (more votes,
then the longer word, then the larger string), so ``select="network"`` reproduces Crowd-Kit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.results import TextResult

FloatArray = npt.NDArray[np.float64]
Tokenizer = Callable[[str], list[str]]
Detokenizer = Callable[[list[str]], str]
Slot = dict[str, float]


def _split(text: str) -> list[str]:
    return text.split()


def _join(tokens: list[str]) -> str:
    return " ".join(tokens)


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitution, insertion and deletion cost 1)."""
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, start=1):
            current[j] = min(previous[j - 1] + (word != other), previous[j] + 1, current[j - 1] + 1)
        previous = current
    return previous[-1]


def word_error_rate(hypothesis: Sequence[str], reference: Sequence[str]) -> float:
    """Edit distance over the reference length (1 per word when the reference is empty)."""
    distance = edit_distance(hypothesis, reference)
    return distance / len(reference) if reference else float(len(hypothesis))


def _align(slots: list[Slot], words: list[str], weight: float, before: float) -> list[Slot]:
    """Align one tokenised answer (with its weight) into the network of slots.

    ``before`` is the total weight of the answers already aligned (the empty word's weight in a
    slot this answer inserts).
    """
    n, m = len(words), len(slots)
    # dist[i][j]: cost of aligning words[:i] with slots[:j]; move[i][j]: 0 match/sub, 1 del, 2 ins
    dist = [[0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        dist[0][j] = j
        move[0][j] = 1
    for i in range(1, n + 1):
        dist[i][0] = i
        move[i][0] = 2
        word = words[i - 1]
        row, up = dist[i], dist[i - 1]
        for j in range(1, m + 1):
            slot = slots[j - 1]
            best, action = up[j - 1] + (word not in slot), 0
            cost = row[j - 1] + ("" not in slot)
            if cost < best:
                best, action = cost, 1
            if up[j] + 1 < best:
                best, action = up[j] + 1, 2
            row[j] = best
            move[i][j] = action
    out: list[Slot] = []
    i, j = n, m
    while i or j:
        action = move[i][j]
        if action == 2:
            new_slot: Slot = {"": before}
            word = words[i - 1]
            i -= 1
        else:
            new_slot = dict(slots[j - 1])
            if action == 0:
                word = words[i - 1]
                i -= 1
            else:
                word = ""
            j -= 1
        new_slot[word] = new_slot.get(word, 0.0) + weight
        out.append(new_slot)
    out.reverse()
    return out


def _vote(slot: Slot) -> str:
    return max(slot.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]


def _distances(hypotheses: list[list[str]]) -> FloatArray:
    """Symmetric matrix of word edit distances between the answers."""
    n = len(hypotheses)
    out = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            out[a, b] = out[b, a] = edit_distance(hypotheses[a], hypotheses[b])
    return out


def _medoid_order(distances: FloatArray, w: list[float]) -> list[int]:
    """Answers sorted by weighted total distance to the others (ties keep the given order)."""
    return [int(k) for k in np.argsort(distances @ np.asarray(w), kind="stable")]


def _network(hyps: list[list[str]], w: list[float], perm: list[int]) -> list[str]:
    """Build the word transition network in the order ``perm`` and vote every slot."""
    first = perm[0]
    slots: list[Slot] = [{word: w[first]} for word in hyps[first]]
    aligned = w[first]
    for k in perm[1:]:
        slots = _align(slots, hyps[k], w[k], aligned)
        aligned += w[k]
    return [word for word in (_vote(slot) for slot in slots) if word]


def _similarity(a: list[str], b: list[str]) -> float:
    return max(0.0, 1.0 - edit_distance(a, b) / max(len(a), len(b), 1))


def rover_one(
    hypotheses: Sequence[Sequence[str]],
    weights: Sequence[float] | None = None,
    *,
    order: str = "given",
    select: str = "closest",
) -> tuple[list[str], float]:
    """ROVER over already tokenised answers; returns the tokens and the confidence (see
    :func:`rover`)."""
    hyps = [list(h) for h in hypotheses]
    if not hyps:
        return [], 0.0
    w = [1.0] * len(hyps) if weights is None else [float(x) for x in weights]
    if order not in ("given", "medoid"):
        raise ValueError(f"order must be 'given' or 'medoid', not {order!r}")
    if select not in ("closest", "network"):
        raise ValueError(f"select must be 'closest' or 'network', not {select!r}")
    given = list(range(len(hyps)))
    if select == "network" and order == "given":
        result = _network(hyps, w, given)
    else:
        distances = _distances(hyps)
        medoid = _medoid_order(distances, w)
        if select == "network":
            result = _network(hyps, w, medoid)
        else:
            first, second = (given, medoid) if order == "given" else (medoid, given)
            networks = [_network(hyps, w, first), _network(hyps, w, second)]
            cost = [
                sum(wk * edit_distance(c, h) for wk, h in zip(w, hyps, strict=True))
                for c in networks
            ]
            cost.extend((distances @ np.asarray(w)).tolist())
            result = [*networks, *hyps][int(np.argmin(cost))]
    total = sum(w)
    if total <= 0:
        return result, 0.0
    agreement = sum(wk * _similarity(h, result) for wk, h in zip(w, hyps, strict=True)) / total
    return result, min(max(agreement, 0.0), 1.0)


def rover(
    answers: Sequence[Sequence[tuple[int, str]]],
    *,
    weights: Any = None,
    tokenizer: Tokenizer = _split,
    detokenizer: Detokenizer = _join,
    order: str = "given",
    select: str = "closest",
) -> TextResult:
    """ROVER text aggregation.

    ``answers[i]`` lists item ``i``'s answers as ``(contributor, text)`` pairs. ``weights`` (one
    per contributor code) weight the votes. ``tokenizer`` / ``detokenizer`` default to splitting on
    whitespace and joining with spaces.

    ``order`` is the order in which the answers are aligned into the network: ``"given"`` (as
    Crowd-Kit) or ``"medoid"`` (start from the answer closest to all others).
    ``select="network"`` returns that network's vote, exactly Crowd-Kit's ROVER for
    ``order="given"`` and equal weights. ``select="closest"`` (default) also builds the network in
    the other order and returns, among the two networks' votes and the answers themselves, the
    token sequence with the smallest weighted total edit distance to the answers (a generalised
    median; ties go to the ``order`` network).

    Confidence per item: the weighted mean over the answers of ``1 - edit distance / length``
    (the longer of answer and result) between each answer and the result, so 1 when every answer
    equals the result.
    """
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    texts: list[str | None] = []
    confidence = np.zeros(len(answers))
    for i, item_answers in enumerate(answers):
        if not item_answers:
            texts.append(None)
            continue
        hyps = [tokenizer(text) for _, text in item_answers]
        item_w = None if w is None else [float(w[c]) for c, _ in item_answers]
        tokens, conf = rover_one(hyps, item_w, order=order, select=select)
        texts.append(detokenizer(tokens))
        confidence[i] = conf
    return TextResult(texts=texts, confidence=confidence)
