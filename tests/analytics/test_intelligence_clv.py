"""BG/NBD and Gamma–Gamma: known answers from the papers, the likelihood against a plain
computation, and the fitters recovering the published CDNOW parameters from simulated data.

Tolerances come from the sampling error of each estimate: the standard errors are read off
the curvature of the log-likelihood at the maximum (the observed information), and each
estimate must lie within 4 standard errors of the truth (a fixed seed, so the test is
deterministic; with 4 SE a fair fit fails for fewer than 1 seed in 10,000).
"""

import math

import numpy as np
import pytest

from guanxi.analytics.intelligence import clv

CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}


def _standard_errors(log_likelihood, estimate: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Standard errors of positive parameters from the numerical Hessian of the
    log-likelihood in their logarithms (delta method back to the parameters)."""
    theta = np.log(estimate)
    k = theta.size
    hessian = np.zeros((k, k))

    def f(point):
        return log_likelihood(*np.exp(point))

    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * step, np.eye(k)[j] * step
            hessian[i, j] = (
                f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej) + f(theta - ei - ej)
            ) / (4 * step * step)
    covariance = np.linalg.inv(-hessian)
    return estimate * np.sqrt(np.diag(covariance))


@pytest.fixture(scope="module")
def cdnow_like():
    """8,000 customers observed for 26 to 78 weeks (whole days), from the BG/NBD process with
    the CDNOW parameters."""
    rng = np.random.default_rng(20050101)
    T = rng.integers(26 * 7, 78 * 7 + 1, size=8_000) / 7.0
    x, t_x = clv.bgnbd_simulate(**CDNOW, T=T, rng=rng)
    return x, np.round(t_x * 7) / 7, T


def test_the_bgnbd_fit_recovers_the_cdnow_parameters(cdnow_like):
    x, t_x, T = cdnow_like
    fit = clv.bgnbd_fit(x, t_x, T)
    estimate = np.array([fit.r, fit.alpha, fit.a, fit.b])
    errors = _standard_errors(
        lambda r, alpha, a, b: clv.bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T), estimate
    )
    truth = np.array(list(CDNOW.values()))
    assert np.all(np.abs(estimate - truth) < 4 * errors), (estimate, errors)
    # The errors are those of a usable fit, not so wide that anything would pass.
    assert np.all(errors / truth < [0.1, 0.15, 0.3, 0.4])
    # The maximum: the truth is no likelier than the estimate.
    assert fit.log_likelihood >= clv.bgnbd_log_likelihood(**CDNOW, x=x, t_x=t_x, T=T)


def test_the_gamma_gamma_fit_recovers_the_published_parameters():
    rng = np.random.default_rng(7)
    x = 1 + rng.poisson(2.0, size=6_000).astype(float)
    mean_spend = clv.gamma_gamma_simulate(**SPEND, x=x, rng=rng)
    fit = clv.gamma_gamma_fit(x, mean_spend)
    estimate = np.array([fit.p, fit.q, fit.v])
    errors = _standard_errors(
        lambda p, q, v: clv.gamma_gamma_log_likelihood(p, q, v, x, mean_spend), estimate
    )
    truth = np.array(list(SPEND.values()))
    assert np.all(np.abs(estimate - truth) < 4 * errors), (estimate, errors)
    assert np.all(errors / truth < 0.25)
    # The population's mean spend pv/(q−1) is estimated much better than p, q, v alone.
    assert fit.p * fit.v / (fit.q - 1) == pytest.approx(6.25 * 15.44 / 2.74, rel=0.03)


def _plain_bgnbd(r, alpha, a, b, x, t_x, T):
    """One customer's likelihood written as in the paper, with math.gamma."""
    beta = math.gamma(a) * math.gamma(b) / math.gamma(a + b)
    a1 = math.gamma(r + x) * alpha**r / math.gamma(r)
    a2 = math.gamma(a) * math.gamma(b + x) / math.gamma(a + b + x) / beta
    a3 = (1 / (alpha + T)) ** (r + x)
    a4 = a / (b + x - 1) * (1 / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
    return math.log(a1 * a2 * (a3 + a4))


@pytest.mark.parametrize(
    ("x", "t_x", "T"), [(0, 0.0, 38.86), (1, 5.0, 20.0), (2, 30.43, 38.86), (7, 36.0, 36.5)]
)
def test_the_bgnbd_log_likelihood_is_the_papers(x, t_x, T):
    terms = clv.bgnbd_log_likelihood_terms(**CDNOW, x=[x], t_x=[t_x], T=[T])
    assert terms[0] == pytest.approx(_plain_bgnbd(*CDNOW.values(), x, t_x, T), rel=1e-10)


def test_the_gamma_gamma_log_likelihood_is_the_papers():
    p, q, v = SPEND.values()
    for x, m in [(1, 20.0), (3, 35.5), (10, 12.25)]:
        plain = math.log(
            math.gamma(p * x + q)
            / (math.gamma(p * x) * math.gamma(q))
            * v**q
            * m ** (p * x - 1)
            * x ** (p * x)
            / (v + m * x) ** (p * x + q)
        )
        assert clv.gamma_gamma_log_likelihood(p, q, v, [x], [m]) == pytest.approx(plain, rel=1e-10)


def test_the_conditional_expectation_and_p_alive_are_the_papers():
    model = clv.BGNBD(**CDNOW, log_likelihood=0.0)
    # The paper's worked example: 2 repeat purchases, the last at 30.43 weeks, T = 38.86:
    # 1.226 purchases expected in the next 39 weeks.
    assert clv.expected_transactions(model, 39, [2], [30.43], [38.86])[0] == pytest.approx(
        1.226, abs=5e-4
    )
    # P(alive) = 1 / (1 + a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
    odds = 0.793 / (2.426 + 1) * ((4.414 + 38.86) / (4.414 + 30.43)) ** 2.243
    assert clv.probability_alive(model, [2], [30.43], [38.86])[0] == pytest.approx(1 / (1 + odds))


def test_a_single_order_customer_is_alive_and_expected_to_buy_at_the_population_rate():
    model = clv.BGNBD(**CDNOW, log_likelihood=0.0)
    assert clv.probability_alive(model, [0], [0.0], [30.0])[0] == 1.0
    expected = clv.expected_transactions(model, [13, 26, 52], [0, 0, 0], [0, 0, 0], [30, 30, 30])
    assert np.all(np.isfinite(expected)) and np.all(np.diff(expected) > 0)
    # A brand-new customer (T = 0) is expected to buy as the unconditional E[X(t)].
    new = clv.expected_transactions(model, 39, [0], [0.0], [0.0])[0]
    r, alpha, a, b = CDNOW.values()
    from scipy.special import hyp2f1

    unconditional = (
        (a + b - 1)
        / (a - 1)
        * (1 - (alpha / (alpha + 39)) ** r * hyp2f1(r, b, a + b - 1, 39 / (alpha + 39)))
    )
    assert new == pytest.approx(unconditional)


def test_expected_spend_shrinks_to_the_population_mean():
    model = clv.GammaGamma(**SPEND, log_likelihood=0.0)
    population = 6.25 * 15.44 / 2.74
    spend = clv.expected_spend(model, [0, 1, 100], [0.0, 100.0, 100.0])
    assert spend[0] == pytest.approx(population)
    assert population < spend[1] < spend[2] < 100
    assert spend[1] == pytest.approx((2.74 * population + 6.25 * 100) / (6.25 + 2.74))


def test_the_lifetime_value_sums_the_discounted_months():
    bgnbd = clv.BGNBD(**CDNOW, log_likelihood=0.0)
    spend = clv.GammaGamma(**SPEND, log_likelihood=0.0)
    args = {"x": [2], "t_x": [30.43], "T": [38.86], "mean_spend": [40.0]}
    undiscounted = clv.lifetime_value(bgnbd, spend, **args, time_unit="week", annual_discount=0.0)[
        0
    ]
    twelve = clv.expected_transactions(bgnbd, clv.months_in_unit(12, "week"), [2], [30.43], [38.86])
    value = clv.expected_spend(spend, [2], [40.0])[0]
    assert undiscounted == pytest.approx(twelve[0] * value)
    discounted = clv.lifetime_value(bgnbd, spend, **args, time_unit="week", annual_discount=0.1)[0]
    assert undiscounted / 1.1 < discounted < undiscounted
    # Days or weeks: the same 12 months.
    days = {"x": [2], "t_x": [30.43 * 7], "T": [38.86 * 7], "mean_spend": [40.0]}
    daily = clv.BGNBD(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426, log_likelihood=0.0)
    assert clv.lifetime_value(daily, spend, **days, time_unit="day", annual_discount=0.1)[
        0
    ] == pytest.approx(discounted)


def test_a_fit_without_any_repeat_purchase_fails_clearly():
    with pytest.raises(clv.FitFailed):
        clv.bgnbd_fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(clv.FitFailed):
        clv.gamma_gamma_fit([0, 0], [0.0, 0.0])
