"""MACE: Multi-Annotator Competence Estimation (Hovy et al., NAACL 2013).

Each contributor either knows the answer (probability ``competence[w]``) and gives the true class,
or spams, picking a class from their own distribution ``theta[w]``. Fitted by variational Bayes
(the default, Beta(0.5, 0.5) prior on competence and Dirichlet(10) on ``theta``, as in Crowd-Kit)
or plain EM with add-``smoothing`` counts (the default, which is more accurate on every shared
data set), with several random restarts; the restart with the highest marginal likelihood wins.
Unlike the original model the class prior is learned (``learn_priors=True``, the mean posterior),
which matters on imbalanced data; pass ``learn_priors=False`` for the uniform prior.

The random initialisation uses ``numpy.random.default_rng(seed)``, so results are deterministic
given ``seed``. Each iteration is a handful of vectorised passes over the answers (log-space
E-step with ``np.bincount``), so a million answers take seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._rows import normalize_log_rows
from labelpool.aggregation.dawid_skene import Compacted
from labelpool.aggregation.encoding import categorical_data
from labelpool.aggregation.results import CategoricalResult

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]


def _digamma(x: FloatArray) -> FloatArray:
    from scipy.special import digamma

    return np.asarray(digamma(x), dtype=np.float64)


def mace(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
    n_restarts: int = 10,
    n_iter: int = 50,
    restart_iter: int = 5,
    tol: float = 1e-6,
    method: str = "em",
    alpha: float = 0.5,
    beta: float = 0.5,
    theta_prior: float = 10.0,
    smoothing: float | None = None,
    default_noise: float = 0.5,
    seed: int = 0,
    learn_priors: bool = True,
    progress: Progress | None = None,
) -> CategoricalResult:
    """MACE by EM (``method="em"``) or variational Bayes (``method="vb"``).

    Each of the ``n_restarts`` random starts runs ``restart_iter`` iterations; the one with the
    highest likelihood then continues for up to ``n_iter`` iterations in all, stopping early when
    the mean log-likelihood per answer improves by less than ``tol``. ``loss_history`` holds the
    mean log-likelihood of every restart and, last, of the final model.
    ``skills[w]`` is the estimated competence (probability of knowing the answer);
    ``extra["theta"]`` holds the ``(n_contributors, n_classes)`` spamming distributions.
    ``progress(step, total)`` is called after every iteration of every restart.
    """
    if method not in ("vb", "em"):
        raise ValueError(f"method must be 'vb' or 'em', not {method!r}")
    if n_restarts < 1:
        raise ValueError("n_restarts must be at least 1")
    data = categorical_data(
        contributors,
        items,
        answers,
        n_contributors=n_contributors,
        n_items=n_items,
        n_classes=n_classes,
    )
    compacted = Compacted.of(data)
    data = compacted.data
    k = data.n_classes
    w_idx, t_idx, a_idx = data.contributors, data.items, data.answers
    n_w, n_t = data.n_contributors, data.n_items
    n = data.n_answers
    cell = t_idx * k + a_idx
    wcell = w_idx * k + a_idx
    smooth = 0.01 / k if smoothing is None else smoothing
    w_counts = np.bincount(w_idx, minlength=n_w)
    rng = np.random.default_rng(seed)
    theta_priors = np.array([alpha, beta])

    def e_step(
        spam: FloatArray, theta: FloatArray, log_prior: FloatArray
    ) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        s_theta = spam[w_idx, 0] * theta.reshape(-1)[wcell]
        s_know = spam[w_idx, 1]
        log_spam = np.log(np.maximum(s_theta, 1e-300))
        log_both = np.log(np.maximum(s_theta + s_know, 1e-300))
        base = np.bincount(t_idx, weights=log_spam, minlength=n_t)
        extra = np.bincount(cell, weights=log_both - log_spam, minlength=n_t * k)
        log_marg = extra.reshape(n_t, k) + base[:, None] + log_prior
        probas, log_z = normalize_log_rows(log_marg)
        know = probas.reshape(-1)[cell] * s_know / np.maximum(s_theta + s_know, 1e-300)
        spam_r = 1.0 - know
        strategy = np.asarray(
            np.bincount(wcell, weights=spam_r, minlength=n_w * k), dtype=np.float64
        ).reshape(n_w, k)
        knowing: FloatArray = np.stack(
            [
                np.bincount(w_idx, weights=spam_r, minlength=n_w),
                np.bincount(w_idx, weights=know, minlength=n_w),
            ],
            axis=1,
        )
        return float(log_z.sum()), probas, strategy, knowing

    def normalise(counts: FloatArray, prior: FloatArray | float) -> FloatArray:
        if method == "vb":
            x = counts + prior
            out: FloatArray = np.exp(_digamma(x) - _digamma(x.sum(axis=1, keepdims=True)))
            return out
        x = counts + smooth
        norm: FloatArray = x / x.sum(axis=1, keepdims=True)
        return norm

    done = 0

    def iterate(
        state: tuple[float, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
        steps: int,
    ) -> tuple[float, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        nonlocal done
        ll, spam, theta, log_prior, probas, strategy, knowing = state
        for _ in range(steps):
            spam = normalise(knowing, theta_priors)
            theta = normalise(strategy, theta_prior)
            if learn_priors:
                log_prior = np.log(np.maximum(probas.mean(axis=0), 1e-10))
            new_ll, probas, strategy, knowing = e_step(spam, theta, log_prior)
            done += 1
            if progress is not None:
                progress(min(done, total_steps), total_steps)
            converged = (new_ll - ll) / n < tol
            ll = new_ll
            if converged:
                break
        return ll, spam, theta, log_prior, probas, strategy, knowing

    # Every restart runs `restart_iter` iterations; the best one is then run to convergence.
    short = min(restart_iter, n_iter)
    total_steps = n_restarts * short + (n_iter - short)
    history: list[float] = []
    best = None
    for _ in range(n_restarts):
        spam = rng.uniform(1.0, 1.0 + default_noise, size=(n_w, 2))
        theta = rng.uniform(1.0, 1.0 + default_noise, size=(n_w, k))
        spam /= spam.sum(axis=1, keepdims=True)
        theta /= theta.sum(axis=1, keepdims=True)
        log_prior = np.full(k, -np.log(k))
        ll, probas, strategy, knowing = e_step(spam, theta, log_prior)
        state = iterate((ll, spam, theta, log_prior, probas, strategy, knowing), short)
        history.append(state[0] / n)
        if best is None or state[0] > best[0]:
            best = state
    assert best is not None
    best = iterate(best, n_iter - short)
    history.append(best[0] / n)
    _, spam, theta, log_prior = best[:4]
    _, probas, _, _ = e_step(spam, theta, log_prior)
    competence = np.where(w_counts > 0, spam[:, 1] / spam.sum(axis=1), np.nan)
    return compacted.finish(
        probas,
        competence,
        priors=probas.mean(axis=0),
        n_iter=n_iter,
        converged=True,
        loss_history=history,
        extra={"theta": theta / theta.sum(axis=1, keepdims=True), "spam": spam},
    )
