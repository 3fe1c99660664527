"""The statistical primitives, each against an independent computation: scipy.stats,
plain numpy transcriptions of the published formulas, and published worked examples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from analytics_helpers import partover
from scipy import stats

from monitor import statistics as st

TOL = 1e-9
RNG = np.random.default_rng(20250101)


def close(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=TOL, abs=TOL)


# --- Student's t -------------------------------------------------------------------------


@pytest.mark.parametrize("df", [1, 2, 3.5, 7, 29, 120, 5000])
@pytest.mark.parametrize("p", [0.025, 0.5, 0.9, 0.975, 0.995])
def test_t_quantile_matches_scipy(p, df):
    assert close(st.t_quantile(p, df), stats.t.ppf(p, df))


@pytest.mark.parametrize(("t", "df"), [(0.0, 3), (1.5, 4), (-2.2, 11.3), (4.0, 60), (-0.3, 1)])
def test_two_sided_p_matches_scipy(t, df):
    assert close(st.t_two_sided_p(t, df), 2 * stats.t.sf(abs(t), df))


def test_t_without_degrees_of_freedom_is_unknown():
    assert math.isnan(st.t_quantile(0.975, 0))
    assert math.isnan(st.t_two_sided_p(1.0, math.nan))
    assert st.t_two_sided_p(math.inf, 3) == 0.0


# --- Welch -------------------------------------------------------------------------------


@pytest.mark.parametrize(("n1", "n2"), [(2, 2), (5, 9), (20, 13), (40, 41)])
def test_welch_matches_scipy(n1, n2):
    a = RNG.normal(3.2, 0.8, n1)
    b = RNG.normal(3.5, 1.1, n2)
    got = st.welch(a.mean(), a.std(ddof=1), n1, b.mean(), b.std(ddof=1), n2)
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert close(got.estimate, b.mean() - a.mean())
    assert close(got.t, ref.statistic) and close(got.df, ref.df) and close(got.p_value, ref.pvalue)
    assert close(got.low, ci.low) and close(got.high, ci.high)


def test_welch_needs_two_in_each_sample():
    assert not st.welch(3.0, math.nan, 1, 3.5, 0.5, 10).usable


# --- partially overlapping samples -----------------------------------------------------

# The worked example of Partiallyoverlapping::Partover.test's help page (from Derrick,
# Toher and White 2017, The Quantitative Methods in Psychology 13(2)).
A_UNPAIRED = [20, 21, 16, 18, 14, 12, 14, 17]
A_PAIRED = [14, 15, 18, 20, 11, 19, 14, 15]
B_UNPAIRED = [10, 16, 18, 16, 15, 14, 13, 10]
B_PAIRED = [15, 10, 15, 17, 13, 19, 12, 13]


@pytest.mark.parametrize("equal_var", [False, True])
def test_partover_help_page_example(equal_var):
    sample = st.overlap_of(A_UNPAIRED, B_UNPAIRED, A_PAIRED, B_PAIRED)
    got = st.partial_overlap(sample, equal_variances=equal_var)
    t, df, p, low, high = partover(A_UNPAIRED, B_UNPAIRED, A_PAIRED, B_PAIRED, equal_var)
    # ours is sample 2 minus sample 1: the sign flips, the interval mirrors
    assert close(got.t, -t) and close(got.df, df) and close(got.p_value, p)
    assert close(got.low, -high) and close(got.high, -low)
    assert round(got.p_value, 3) == 0.026  # as printed on the help page
    if equal_var:
        assert got.df == 18.5


@pytest.mark.parametrize(("na", "nb", "nc"), [(3, 4, 3), (10, 2, 25), (0, 6, 8), (7, 0, 4)])
def test_partial_overlap_matches_the_formula_on_random_samples(na, nb, nc):
    person = RNG.normal(0, 0.7, nc)
    x1, x2 = RNG.normal(3.0, 0.9, na), RNG.normal(3.4, 0.6, nb)
    x3 = 3.0 + person + RNG.normal(0, 0.4, nc)
    x4 = 3.4 + person + RNG.normal(0, 0.5, nc)
    got = st.partial_overlap(st.overlap_of(x1, x2, x3, x4))
    t, df, p, low, high = partover(x1, x2, x3, x4)
    assert close(got.t, -t) and close(got.df, df) and close(got.p_value, p)
    assert close(got.low, -high) and close(got.high, -low)


def test_no_overlap_is_welch():
    a, b = RNG.normal(3, 1, 12), RNG.normal(3.6, 0.5, 9)
    got = st.partial_overlap(st.overlap_of(a, b, [], []))
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert close(got.t, ref.statistic) and close(got.df, ref.df)
    assert close(got.low, ci.low) and close(got.high, ci.high)


def test_full_overlap_is_the_paired_t_test():
    a = RNG.normal(3, 1, 15)
    b = a + RNG.normal(0.3, 0.4, 15)
    got = st.partial_overlap(st.overlap_of([], [], a, b))
    ref = stats.ttest_rel(b, a)
    ci = ref.confidence_interval(0.95)
    assert close(got.t, ref.statistic) and close(got.df, ref.df) and close(got.p_value, ref.pvalue)
    assert close(got.low, ci.low) and close(got.high, ci.high)


@pytest.mark.parametrize("pairs", [1, 2])
def test_fewer_than_three_repeats_use_no_correlation(pairs):
    x3 = np.array([1.0, 5.0][:pairs])
    sample = st.overlap_of([2.0, 3.0, 4.0], [4.0, 4.5, 3.0, 5.0], x3, x3 + 0.5)
    assert sample.r == 0.0 and sample.n_paired == pairs
    got = st.partial_overlap(sample)
    assert close(got.se, math.sqrt(sample.sd1**2 / sample.n1 + sample.sd2**2 / sample.n2))


def test_three_repeats_use_their_correlation():
    x3 = np.array([1.0, 3.0, 5.0])
    sample = st.overlap_of([2.0], [4.0], x3, x3 + 0.5)
    assert close(sample.r, 1.0)


@pytest.mark.parametrize(
    ("x1", "x2", "x3", "x4"),
    [
        ([3, 3], [4, 4], [3, 3, 3], [4, 4, 4]),  # no spread anywhere
        ([], [], [2, 3, 4], [3, 4, 5]),  # everyone moved by the same amount
    ],
)
def test_zero_standard_error_is_not_usable(x1, x2, x3, x4):
    got = st.partial_overlap(st.overlap_of(x1, x2, x3, x4))
    assert got.se == pytest.approx(0.0, abs=1e-12)
    assert got.estimate == pytest.approx(1.0)
    assert not st.Estimate(got.estimate, 0.0, got.df).usable


def test_one_respondent_in_a_wave_gives_no_interval():
    got = st.partial_overlap(st.overlap_of([3.0], [4.0, 2.0], [], []))
    assert math.isnan(got.se) and not got.usable


# --- one agency, one vote ----------------------------------------------------------------


def agencies(sizes: list[int]) -> list[np.ndarray]:
    return [RNG.normal(3 + 0.3 * k, 0.8, n) for k, n in enumerate(sizes)]


@pytest.mark.parametrize("sizes", [[5, 9, 3, 12], [2, 2], [30, 4, 1, 7, 1]])
def test_agency_mean_matches_the_formula(sizes):
    groups = agencies(sizes)
    k = len(groups)
    multi = [g for g in groups if len(g) > 1]
    pooled = sum((len(g) - 1) * g.var(ddof=1) for g in multi) / sum(len(g) - 1 for g in multi)
    pooled_df = sum(len(g) - 1 for g in multi)
    var = [g.var(ddof=1) if len(g) > 1 else pooled for g in groups]
    dfs = [len(g) - 1 if len(g) > 1 else pooled_df for g in groups]
    parts = np.array([v / (k**2 * len(g)) for v, g in zip(var, groups, strict=True)])
    expected_df = parts.sum() ** 2 / (parts**2 / np.array(dfs)).sum()
    got = st.agency_mean(
        [g.mean() for g in groups], [g.std(ddof=1) if len(g) > 1 else np.nan for g in groups],
        [len(g) for g in groups],
    )  # fmt: skip
    assert close(got.estimate, np.mean([g.mean() for g in groups]))
    assert close(got.se, np.sqrt(parts.sum())) and close(got.df, expected_df)


def test_one_agency_is_its_own_t_interval():
    g = RNG.normal(3.5, 0.9, 11)
    got = st.agency_mean([g.mean()], [g.std(ddof=1)], [11])
    ci = stats.ttest_1samp(g, 0).confidence_interval(0.95)
    assert close(got.low, ci.low) and close(got.high, ci.high)


def test_agencies_of_one_only_have_no_interval():
    got = st.agency_mean([3.0, 4.0], [np.nan, np.nan], [1, 1])
    assert got.estimate == 3.5 and not got.usable


def test_agency_change_of_one_agency_is_its_partial_overlap():
    sample = st.overlap_of([3, 4], [4, 5, 5], [2, 3, 4, 5], [3, 3, 5, 5])
    got = st.agency_change([sample])
    ref = st.partial_overlap(sample)
    assert (got.estimate, got.se, got.df) == (ref.estimate, ref.se, ref.df)


def test_agency_change_combines_agencies_by_the_formula():
    samples = []
    for k in range(4):
        person = RNG.normal(0, 0.6, 4 + k)
        samples.append(
            st.overlap_of(
                RNG.normal(3, 0.8, k + 1), RNG.normal(3.2, 0.8, 2),
                3 + person + RNG.normal(0, 0.3, 4 + k), 3.3 + person + RNG.normal(0, 0.3, 4 + k),
            )
        )  # fmt: skip
    got = st.agency_change(samples)
    diffs = [s.mean2 - s.mean1 for s in samples]
    ses, dfs = [], []
    for s in samples:
        v1, v2 = s.sd1**2 / s.n1, s.sd2**2 / s.n2
        ses.append(v1 + v2 - 2 * s.r * s.sd1 * s.sd2 * s.n_paired / (s.n1 * s.n2))
        gamma = (v1 + v2) ** 2 / (v1**2 / (s.n1 - 1) + v2**2 / (s.n2 - 1))
        nc, nab = s.n_paired, s.only1 + s.only2
        dfs.append((nc - 1) + (gamma - nc + 1) / (nab + 2 * nc) * nab)
    parts = np.array(ses) / 16
    assert close(got.estimate, np.mean(diffs))
    assert close(got.se, np.sqrt(parts.sum()))
    assert close(got.df, parts.sum() ** 2 / (parts**2 / np.array(dfs)).sum())


def test_agency_change_borrows_the_pooled_sd_for_an_agency_of_one():
    big = st.overlap_of([3.0, 4.0, 5.0], [4.0, 4.0, 2.0, 5.0], [], [])
    single = st.overlap_of([], [], [3.0], [4.0])  # the same person in both waves
    got = st.agency_change([big, single])
    assert got.usable
    pooled1 = big.sd1**2  # the only agency with spread gives the pooled variance
    pooled2 = big.sd2**2
    expected = (big.sd1**2 / 3 + big.sd2**2 / 4 + pooled1 + pooled2) / 4
    assert close(got.se, math.sqrt(expected))


# --- random-effects ANOVA ----------------------------------------------------------------


def summaries(groups):
    return (
        [len(g) for g in groups],
        [float(np.mean(g)) for g in groups],
        [float(np.std(g, ddof=1)) if len(g) > 1 else math.nan for g in groups],
    )


@pytest.mark.parametrize("sizes", [[5, 5, 5], [3, 8, 12, 4], [1, 6, 9, 2, 2]])
def test_anova_matches_scipy_and_the_formula(sizes):
    groups = agencies(sizes)
    got = st.random_effects_anova(*summaries(groups))
    ref = stats.f_oneway(*groups) if min(sizes) > 1 else None
    values = np.concatenate(groups)
    n, k = len(values), len(groups)
    ssb = sum(len(g) * (g.mean() - values.mean()) ** 2 for g in groups)
    ssw = sum(((g - g.mean()) ** 2).sum() for g in groups)
    msb, msw = ssb / (k - 1), ssw / (n - k)
    n0 = (n - sum(len(g) ** 2 for g in groups) / n) / (k - 1)
    tau2 = max(0.0, (msb - msw) / n0)
    assert close(got.f, msb / msw) and close(got.n0, n0) and close(got.tau2, tau2)
    assert close(got.p_value, stats.f.sf(msb / msw, k - 1, n - k))
    assert close(got.icc, tau2 / (tau2 + msw))
    if ref is not None:
        assert close(got.f, ref.statistic) and close(got.p_value, ref.pvalue)


def test_balanced_icc_is_the_textbook_icc1():
    groups = agencies([6, 6, 6, 6])
    got = st.random_effects_anova(*summaries(groups))
    size = 6
    expected = (got.ms_between - got.ms_within) / (got.ms_between + (size - 1) * got.ms_within)
    assert close(got.icc, max(expected, 0.0))


def test_agencies_that_agree_have_no_spread_net_of_noise():
    groups = [np.array([1.0, 5.0, 3.0]), np.array([2.0, 4.0, 3.0]), np.array([3.5, 2.5, 3.0])]
    got = st.random_effects_anova(*summaries(groups))
    assert got.tau2 == 0.0 and got.icc == 0.0 and got.p_value == pytest.approx(1.0)


def test_anova_without_spread_inside_agencies():
    got = st.random_effects_anova([2, 2], [3.0, 4.0], [0.0, 0.0])
    assert got.f == math.inf and got.p_value == 0.0 and got.icc == 1.0
    assert math.isnan(st.random_effects_anova([3], [3.0], [1.0]).f)


# --- Feldt -------------------------------------------------------------------------------


@pytest.mark.parametrize(("alpha", "n", "k"), [(0.8, 30, 3), (0.55, 12, 3), (0.91, 200, 10)])
def test_feldt_interval_matches_scipy(alpha, n, k):
    low, high = st.feldt_interval(alpha, n, k)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    assert close(low, 1 - (1 - alpha) * stats.f.ppf(0.975, df1, df2))
    assert close(high, 1 - (1 - alpha) * stats.f.ppf(0.025, df1, df2))
    assert low < alpha < high


def test_feldt_interval_needs_two_respondents_and_items():
    assert all(math.isnan(v) for v in st.feldt_interval(0.8, 1, 3))
    assert all(math.isnan(v) for v in st.feldt_interval(math.nan, 30, 3))


def test_library_does_not_import_scipy():
    import subprocess
    import sys

    code = (
        "import sys, monitor.statistics as s; s.t_critical(5); s.feldt_interval(0.8, 9, 3); "
        "s.random_effects_anova([3, 4], [1.0, 2.0], [1.0, 1.0]); "
        "print(any(m == 'scipy' or m.startswith('scipy.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
