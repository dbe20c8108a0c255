"""Customer lifetime value 客户生命周期价值: the BG/NBD repeat-purchase model and the Gamma–Gamma
spend model, fitted by maximum likelihood (numpy/scipy only, no Django).

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"). While alive, a
customer buys at the times of a Poisson process of rate λ; after each repeat purchase they
drop out for good with probability p. Across customers λ ~ Gamma(r, α) (shape r, rate α) and
p ~ Beta(a, b). A customer is summarised by ``x`` repeat purchases (purchases after the first),
``t_x`` the time of the last one and ``T`` the time since the first purchase, all measured from
the first purchase. The likelihood of one customer is

    L = Γ(r+x) αʳ / Γ(r) · B(a, b+x) / B(a, b) · [ (α+T)^-(r+x) + 1{x>0} a/(b+x−1) (α+t_x)^-(r+x) ]

Gamma–Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves"). Each
transaction's value is Gamma(p, ν) with the customer's ν ~ Gamma(q, v); a customer with x
transactions of mean value m has the density

    f(m | x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · m^(px−1) x^(px) / (v + m x)^(px+q)

Both are fitted on the logarithms of their parameters (so they stay positive) with
``scipy.optimize.minimize``; identical customers are counted once with a weight, which makes a
fit on a million customers a fit on their distinct (x, t_x, T) rows.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

FloatArray = NDArray[np.float64]

# Days in a month on average (365.25 / 12): months are turned into the model's time unit.
DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0}
# The logarithms of the parameters stay within e^±LOG_BOUND: a parameter pushed to the bound
# means the data cannot tell its value (e.g. nobody ever drops out), not a numerical accident.
LOG_BOUND = 12.0


class FitFailed(ValueError):
    """The optimiser found no maximum (too little or degenerate data)."""


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float
    log_likelihood: float


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    return [np.asarray(value, dtype=np.float64) for value in values]


# -- BG/NBD --------------------------------------------------------------------------------------


def bgnbd_log_likelihood_terms(
    r: float, alpha: float, a: float, b: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Each customer's log-likelihood under the BG/NBD model."""
    x, t_x, T = _arrays(x, t_x, T)
    common = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.betaln(a, b + x)
        - special.betaln(a, b)
    )
    alive = -(r + x) * np.log(alpha + T)
    # x = 0: the second term is absent; b + x − 1 is kept positive there only to avoid a
    # warning, the value is discarded.
    repeat = x > 0
    dropped = np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x)
    # log(e^alive + e^dropped) without overflow, only where the customer bought again.
    both = np.where(repeat, np.logaddexp(alive, dropped), alive)
    return common + both


def bgnbd_log_likelihood(
    r: float,
    alpha: float,
    a: float,
    b: float,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    weights: ArrayLike | None = None,
) -> float:
    terms = bgnbd_log_likelihood_terms(r, alpha, a, b, x, t_x, T)
    if weights is None:
        return float(terms.sum())
    return float(np.dot(np.asarray(weights, dtype=np.float64), terms))


def _distinct(*columns: FloatArray) -> tuple[list[FloatArray], FloatArray]:
    """The distinct rows of ``columns`` and how many times each occurs."""
    stacked = np.column_stack(columns)
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(np.float64)


def _maximise(negative: Callable[[FloatArray], float], start: FloatArray) -> FloatArray:
    """The log-parameters that minimise ``negative`` (L-BFGS-B, then Nelder–Mead if it fails)."""
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    # Tighter than scipy's defaults: with a few dozen customers the likelihood is flat enough
    # that the default stop left α off by 0.1 % depending on the scipy release.
    result = optimize.minimize(  # type: ignore[call-overload]
        negative,
        start,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-13, "gtol": 1e-9},
    )
    if not result.success or not np.all(np.isfinite(result.x)):
        result = optimize.minimize(  # type: ignore[call-overload]
            negative,
            start,
            method="Nelder-Mead",
            bounds=bounds,
            options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-9},
        )
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise FitFailed("the likelihood has no finite maximum")
    return np.asarray(result.x, dtype=np.float64)


def bgnbd_fit(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> BGNBD:
    """Maximum-likelihood BG/NBD parameters for customers (x, t_x, T)."""
    x, t_x, T = _arrays(x, t_x, T)
    if x.size == 0 or not np.any(x > 0):
        raise FitFailed("no customer bought more than once")
    (x, t_x, T), weights = _distinct(x, t_x, T)
    total = weights.sum()
    # Start from r = 1 and α matching the observed purchase rate, a = b = 1.
    rate = max(float(np.dot(weights, x) / max(np.dot(weights, T), 1e-9)), 1e-6)
    start = np.log(np.array([1.0, 1.0 / rate, 1.0, 1.0]))

    def negative(log_params: FloatArray) -> float:
        r, alpha, a, b = np.exp(log_params)
        value = -bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T, weights) / total
        return value if np.isfinite(value) else 1e300

    r, alpha, a, b = np.exp(_maximise(negative, start))
    return BGNBD(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T, weights),
    )


def _odds_dropped(model: BGNBD, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
    """a/(b+x−1) · ((α+T)/(α+t_x))^(r+x) for customers who bought again, 0 for the others:
    how much likelier "dropped out after the last purchase" is than "still alive"."""
    repeat = x > 0
    log_odds = (
        np.log(model.a)
        - np.log(np.where(repeat, model.b + x - 1, 1.0))
        + (model.r + x) * (np.log(model.alpha + T) - np.log(model.alpha + t_x))
    )
    return np.where(repeat, np.exp(np.minimum(log_odds, 700.0)), 0.0)


def probability_alive(model: BGNBD, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> FloatArray:
    """P(the customer is still alive at T | x, t_x, T)."""
    x, t_x, T = _arrays(x, t_x, T)
    return np.asarray(1.0 / (1.0 + _odds_dropped(model, x, t_x, T)), dtype=np.float64)


def expected_transactions(
    model: BGNBD, t: float | ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
) -> FloatArray:
    """E[repeat purchases in (T, T+t] | x, t_x, T] (the paper's conditional expectation)."""
    x, t_x, T = _arrays(x, t_x, T)
    t = np.asarray(t, dtype=np.float64)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    z = t / (alpha + T + t)
    ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    hyper = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1.0 - ratio * hyper)
    return np.asarray(numerator / (1.0 + _odds_dropped(model, x, t_x, T)), dtype=np.float64)


# -- Gamma–Gamma ---------------------------------------------------------------------------------


def gamma_gamma_log_likelihood_terms(
    p: float, q: float, v: float, x: ArrayLike, mean_spend: ArrayLike
) -> FloatArray:
    """Each customer's log-density of their mean spend (customers with x ≥ 1 and spend > 0)."""
    x, m = _arrays(x, mean_spend)
    px = p * x
    return np.asarray(
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + m * x),
        dtype=np.float64,
    )


def gamma_gamma_log_likelihood(
    p: float, q: float, v: float, x: ArrayLike, mean_spend: ArrayLike
) -> float:
    return float(gamma_gamma_log_likelihood_terms(p, q, v, x, mean_spend).sum())


def gamma_gamma_fit(x: ArrayLike, mean_spend: ArrayLike) -> GammaGamma:
    """Maximum-likelihood Gamma–Gamma parameters over the customers with x ≥ 1 and a positive
    mean spend (the others carry no information about spend and are left out)."""
    x, m = _arrays(x, mean_spend)
    keep = (x >= 1) & (m > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    if x.size < 2:
        raise FitFailed("too few customers with repeat purchases")
    # Start: one transaction value's shape p = 1, and v so that the mean pv/(q−1) is the
    # observed mean with q = 2.
    start = np.log(np.array([1.0, 2.0, float(np.mean(m))]))
    total = float(x.size)

    def negative(log_params: FloatArray) -> float:
        p, q, v = np.exp(log_params)
        value = -gamma_gamma_log_likelihood(p, q, v, x, m) / total
        return value if np.isfinite(value) else 1e300

    p, q, v = np.exp(_maximise(negative, start))
    return GammaGamma(
        p=float(p),
        q=float(q),
        v=float(v),
        log_likelihood=gamma_gamma_log_likelihood(p, q, v, x, m),
    )


def expected_spend(model: GammaGamma, x: ArrayLike, mean_spend: ArrayLike) -> FloatArray:
    """E[value of a transaction | x, mean spend]: a weighted mean of the population mean
    pv/(q−1) and the customer's own mean, the weight on the own mean growing with x. A
    customer with no repeat purchase (x = 0) gets the population mean. Needs q > 1 (else the
    population mean is infinite); with q ≤ 1 the customer's own mean is used."""
    x, m = _arrays(x, mean_spend)
    m = np.where(np.isfinite(m), m, 0.0)
    p, q, v = model.p, model.q, model.v
    if q <= 1:
        return np.asarray(m, dtype=np.float64)
    population = p * v / (q - 1)
    weight = p * x / (p * x + q - 1)
    return np.asarray((1 - weight) * population + weight * m, dtype=np.float64)


# -- CLV -----------------------------------------------------------------------------------------


def months_in_unit(months: float, time_unit: str) -> float:
    return months * DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]


def lifetime_value(
    bgnbd: BGNBD,
    gamma_gamma: GammaGamma,
    *,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    mean_spend: ArrayLike,
    time_unit: str,
    annual_discount: float,
    months: int = 12,
) -> FloatArray:
    """Discounted value of the next ``months`` months: for each month, the purchases expected
    in that month (the difference of the conditional expectations at its end and start) ×
    the expected value of a purchase × 1/(1+d)^month, d the monthly rate equivalent to
    ``annual_discount`` (0.10 for 10 %)."""
    x, t_x, T = _arrays(x, t_x, T)
    spend = expected_spend(gamma_gamma, x, mean_spend)
    monthly = (1.0 + annual_discount) ** (1.0 / 12.0) - 1.0
    value = np.zeros_like(x)
    before = np.zeros_like(x)
    for month in range(1, months + 1):
        after = expected_transactions(bgnbd, months_in_unit(month, time_unit), x, t_x, T)
        value += (after - before) / (1.0 + monthly) ** month
        before = after
    return np.asarray(value * spend, dtype=np.float64)


# -- simulation (tests and benchmarks) -----------------------------------------------------------


def bgnbd_simulate(
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: ArrayLike,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """(x, t_x) of customers observed for ``T`` each, drawn from the BG/NBD process."""
    T = np.asarray(T, dtype=np.float64)
    n = T.size
    rate = rng.gamma(r, 1.0 / alpha, size=n)
    drop = rng.beta(a, b, size=n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        index = np.flatnonzero(active)
        now[index] += rng.exponential(1.0 / rate[index])
        bought = now[index] <= T[index]
        buyers = index[bought]
        x[buyers] += 1
        t_x[buyers] = now[buyers]
        # Past the end of observation, or dropped out right after this purchase.
        active[index[~bought]] = False
        active[buyers[rng.random(buyers.size) < drop[buyers]]] = False
    return x, t_x


def gamma_gamma_simulate(
    p: float, q: float, v: float, x: ArrayLike, rng: np.random.Generator
) -> FloatArray:
    """Each customer's mean transaction value over ``x`` (≥ 1) transactions."""
    x = np.asarray(x, dtype=np.float64)
    nu = rng.gamma(q, 1.0 / v, size=x.size)
    # The sum of x Gamma(p, ν) values is Gamma(px, ν).
    return np.asarray(rng.gamma(p * x, 1.0 / nu) / x, dtype=np.float64)
