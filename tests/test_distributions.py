"""Student's t and F from monitor.distributions against scipy.special (an independent
implementation: Boost and Cephes) and closed forms, over the degrees of freedom and
probabilities the statistics use (Welch's non-integer df from 1 to 1e6)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from monitor import distributions as dist

REL = 1e-9  # the implementation reaches about 1e-11 up to df = 1e6
DFS = [1, 1.3, 2, 2.5, 3, 4.7, 7, 10, 29.5, 120, 1234.5, 1e4, 1e5, 1e6]
PS = [1e-10, 0.0005, 0.005, 0.025, 0.05, 0.1, 0.3, 0.45, 0.55, 0.9, 0.95, 0.975, 0.995]


def close(got, want) -> bool:
    return got == pytest.approx(want, rel=REL, abs=1e-300)


@pytest.mark.parametrize("df", DFS)
@pytest.mark.parametrize("p", PS)
def test_t_quantile(p, df):
    assert close(dist.t_ppf(p, df), special.stdtrit(df, p))


@pytest.mark.parametrize("df", DFS)
@pytest.mark.parametrize("t", [-40.0, -3.0, -1.96, -0.2, 0.0, 0.7, 1.5, 2.6, 8.0, 1e3])
def test_t_tail(t, df):
    assert close(dist.t_sf(t, df), special.stdtr(df, -t))


def test_t_quantile_of_an_array_of_df():
    df = np.concatenate([np.arange(1, 3000), [5e3, 2e4, 1e6]])
    got = dist.t_ppf(0.975, df)
    assert isinstance(got, np.ndarray) and got.shape == df.shape
    np.testing.assert_allclose(got, special.stdtrit(df, 0.975), rtol=REL)


@pytest.mark.parametrize("t", [1e-8, 0.3, 1.0, 12.7, 1e6])
def test_one_degree_of_freedom_is_cauchy(t):
    assert close(dist.t_sf(t, 1), 0.5 - math.atan(t) / math.pi)
    p = 0.5 + math.atan(t) / math.pi
    assert dist.t_ppf(p, 1) == pytest.approx(t, rel=1e-8)


def test_two_degrees_of_freedom_closed_form():
    for p in (0.6, 0.975, 0.9995):
        assert close(dist.t_ppf(p, 2), (2 * p - 1) / math.sqrt(2 * p * (1 - p)))


@pytest.mark.parametrize(
    ("p", "df", "want"),
    [
        (0.5, 7, 0.0),
        (0.0, 7, -math.inf),
        (1.0, 7, math.inf),
        (0.975, 0, math.nan),
        (0.975, -2, math.nan),
        (0.975, math.nan, math.nan),
        (1.2, 7, math.nan),
        (math.nan, 7, math.nan),
    ],
)
def test_t_quantile_edges(p, df, want):
    got = dist.t_ppf(p, df)
    assert math.isnan(got) if math.isnan(want) else got == want


def test_t_tail_edges():
    assert dist.t_sf(math.inf, 3) == 0.0 and dist.t_sf(-math.inf, 3) == 1.0
    assert dist.t_sf(0.0, 3) == 0.5
    assert math.isnan(dist.t_sf(1.0, 0)) and math.isnan(dist.t_sf(math.nan, 3))


@pytest.mark.parametrize(
    ("d1", "d2"),
    [(1, 1), (2, 10), (3.5, 5), (9, 18), (29, 58), (99, 198), (1e3, 9e3), (2, 1e6), (1e5, 9e5)],
)
@pytest.mark.parametrize("p", [1e-10, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999])
def test_f_quantile(p, d1, d2):
    assert close(dist.f_ppf(p, d1, d2), special.fdtri(d1, d2, p))


@pytest.mark.parametrize(("d1", "d2"), [(1, 1), (2, 10), (3.5, 5), (9, 18), (29, 58), (2, 1e6)])
@pytest.mark.parametrize("f", [1e-6, 0.2, 1.0, 1.5, 4.0, 30.0, 1e4])
def test_f_tail(f, d1, d2):
    assert close(dist.f_sf(f, d1, d2), special.fdtrc(d1, d2, f))


def test_f_edges():
    assert dist.f_ppf(0.0, 3, 4) == 0.0 and dist.f_ppf(1.0, 3, 4) == math.inf
    assert math.isnan(dist.f_ppf(0.5, 0, 4)) and math.isnan(dist.f_ppf(-0.1, 3, 4))
    assert dist.f_sf(0.0, 3, 4) == 1.0 and dist.f_sf(math.inf, 3, 4) == 0.0
    assert math.isnan(dist.f_sf(1.0, 3, 0))
