"""GLAD: Generative model of Labels, Abilities and Difficulties (Whitehill et al., NIPS 2009).

Contributor ``w`` has ability ``alpha[w]`` and item ``i`` has inverse difficulty
``exp(beta[i])``; an answer is correct with probability ``sigmoid(alpha[w] * exp(beta[i]))`` and
otherwise any wrong class is equally likely. Priors: ``alpha ~ N(1, 1)``, ``beta ~ N(1, 1)`` and a
fixed class prior (uniform unless given), as in Crowd-Kit.

EM with the same objective and stopping rule as Crowd-Kit (expected complete log-likelihood plus
log-priors, divided by ``n_answers * n_classes``; stop when it improves by less than ``tol``), but
the M-step is vectorised: a few rounds of Newton steps for ``alpha`` (each contributor separately,
the problem is concave in ``alpha``) and Fisher-scoring steps for ``beta`` (each item separately),
instead of a generic conjugate-gradient over all parameters (available as ``optimizer="cg"``,
which is the default for up to 200,000 answers). A million answers take a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._rows import softmax_rows
from labelpool.aggregation.dawid_skene import Compacted, Convergence
from labelpool.aggregation.encoding import categorical_data
from labelpool.aggregation.results import CategoricalResult

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
_MAX_STEP = 2.0
CG_MAX_ANSWERS = 200_000


def _softplus(x: FloatArray) -> FloatArray:
    return np.logaddexp(0.0, x)


def _sigmoid(x: FloatArray) -> FloatArray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def glad(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
    priors: Any = None,
    n_iter: int = 100,
    tol: float = 1e-5,
    m_step_rounds: int = 3,
    optimizer: str = "auto",
    progress: Progress | None = None,
) -> CategoricalResult:
    """GLAD by EM.

    ``optimizer`` picks the M-step: ``"cg"`` maximises over all parameters with SciPy's conjugate
    gradient exactly as Crowd-Kit does (25 iterations, gradient tolerance 0.01; vectorised, so
    about 40x faster than Crowd-Kit but still seconds per EM step at a million answers);
    ``"newton"`` takes ``m_step_rounds`` rounds of per-contributor Newton steps on ``alpha`` and
    per-item Fisher-scoring steps on ``beta`` (about 15x cheaper than ``"cg"``); ``"auto"`` uses
    ``"cg"`` up to 200,000 answers and ``"newton"`` above. ``skills[w]`` is the model's mean
    probability that ``w`` answers correctly on
    the items they did; ``extra["alpha"]`` (per contributor) and ``extra["beta"]`` (per item, NaN
    for unanswered items) are the raw parameters."""
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
    k = max(data.n_classes, 2)
    w_idx, t_idx, a_idx = data.contributors, data.items, data.answers
    n_w, n_t = data.n_contributors, data.n_items
    n = data.n_answers
    cell = t_idx * k + a_idx
    log_k1 = np.log(k - 1)
    if priors is None:
        log_prior = np.full(k, -np.log(k))
    else:
        pr = np.asarray(priors, dtype=np.float64)
        if pr.shape != (k,) or np.any(pr < 0) or pr.sum() <= 0:
            raise ValueError(f"priors must be {k} non-negative numbers")
        with np.errstate(divide="ignore"):
            log_prior = np.log(pr / pr.sum())

    if optimizer not in ("auto", "cg", "newton"):
        raise ValueError(f"optimizer must be 'auto', 'cg' or 'newton', not {optimizer!r}")
    use_cg = optimizer == "cg" or (optimizer == "auto" and n <= CG_MAX_ANSWERS)
    alpha = np.ones(n_w)
    beta = np.ones(n_t)
    w_counts = np.bincount(w_idx, minlength=n_w)

    def e_step() -> tuple[FloatArray, FloatArray]:
        x = alpha[w_idx] * np.exp(beta[t_idx])
        l1 = -_softplus(-x)
        l0 = -_softplus(x) - log_k1
        base = np.bincount(t_idx, weights=l0, minlength=n_t)
        extra = np.bincount(cell, weights=l1 - l0, minlength=n_t * k).reshape(n_t, k)
        probas = softmax_rows(extra + base[:, None] + log_prior)
        return probas, probas.reshape(-1)[cell]

    def q_value(p_correct: FloatArray) -> float:
        x = alpha[w_idx] * np.exp(beta[t_idx])
        ll = p_correct * -_softplus(-x) + (1.0 - p_correct) * (-_softplus(x) - log_k1)
        prior = -0.5 * ((alpha - 1.0) ** 2).sum() - 0.5 * ((beta - 1.0) ** 2).sum()
        prior -= (n_w + n_t) * _LOG_SQRT_2PI
        return float(ll.sum() + prior)

    def neg_q_and_grad(params: FloatArray, p_correct: FloatArray) -> tuple[float, FloatArray]:
        a = params[:n_w]
        b = params[n_w:]
        eb = np.exp(b)[t_idx]
        x = a[w_idx] * eb
        sp = _softplus(x)
        q = float((p_correct * x - sp).sum() - log_k1 * (1.0 - p_correct).sum())
        q -= 0.5 * float(((a - 1.0) ** 2).sum() + ((b - 1.0) ** 2).sum())
        r = p_correct - np.exp(x - sp)
        ga = np.bincount(w_idx, weights=r * eb, minlength=n_w) - (a - 1.0)
        gb = np.bincount(t_idx, weights=r * x, minlength=n_t) - (b - 1.0)
        return -q, -np.concatenate([ga, gb])

    def m_step(p_correct: FloatArray) -> None:
        nonlocal alpha, beta
        if use_cg:
            from scipy.optimize import minimize

            res = minimize(
                neg_q_and_grad,
                np.concatenate([alpha, beta]),
                args=(p_correct,),
                jac=True,
                method="CG",
                tol=0.01,
                options={"maxiter": 25},
            )
            alpha = res.x[:n_w].copy()
            beta = res.x[n_w:].copy()
            return
        for _ in range(m_step_rounds):
            eb = np.exp(beta)[t_idx]
            x = alpha[w_idx] * eb
            s = _sigmoid(x)
            r = p_correct - s
            v = s * (1.0 - s)
            g = np.bincount(w_idx, weights=r * eb, minlength=n_w) - (alpha - 1.0)
            h = np.bincount(w_idx, weights=v * eb * eb, minlength=n_w) + 1.0
            alpha = alpha + np.clip(g / h, -_MAX_STEP, _MAX_STEP)
            x = alpha[w_idx] * eb
            s = _sigmoid(x)
            r = p_correct - s
            v = s * (1.0 - s)
            g = np.bincount(t_idx, weights=r * x, minlength=n_t) - (beta - 1.0)
            h = np.bincount(t_idx, weights=v * x * x, minlength=n_t) + 1.0
            beta = beta + np.clip(g / h, -_MAX_STEP, _MAX_STEP)

    em = Convergence(n_iter, tol, progress)
    probas, p_correct = e_step()
    for _ in range(n_iter):
        probas, p_correct = e_step()
        m_step(p_correct)
        if em.done(q_value(p_correct) / (n * k)):
            break
    # like Crowd-Kit, report the posteriors of the last E-step (computed before the last M-step)
    probas = probas[:, : data.n_classes]
    probas /= probas.sum(axis=1, keepdims=True)
    p_model = _sigmoid(alpha[w_idx] * np.exp(beta[t_idx]))
    skills = np.bincount(w_idx, weights=p_model, minlength=n_w)
    skills = np.divide(skills, w_counts, out=np.full(n_w, np.nan), where=w_counts > 0)
    full_beta = np.full(compacted.n_items, np.nan)
    if compacted.kept is None:
        full_beta[:] = beta
    else:
        full_beta[compacted.kept] = beta
    return compacted.finish(
        probas,
        skills,
        priors=np.exp(log_prior[: data.n_classes]),
        extra={"alpha": alpha, "beta": full_beta},
        **em.outcome(),
    )
