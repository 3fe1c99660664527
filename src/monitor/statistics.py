"""Statistical primitives of the monitor: Student's t, Welch's test, the partially
overlapping samples t-test, agency-weighted means, one-way random-effects ANOVA and
Feldt's interval for Cronbach's alpha.

Pure functions of summary numbers or numpy arrays. Distribution functions come from
`monitor.distributions` (plain Python): scipy is never imported, because importing it
costs more than a command's whole start-up.

Conventions: a difference is always `second - first` (for waves: later minus earlier);
an interval is two-sided at `level` (default 95%); NaN means "cannot be computed".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from monitor import distributions

LEVEL = 0.95
# Repeat respondents needed before their correlation is used (below: r = 0).
MIN_PAIRS_FOR_CORRELATION = 3

nan = math.nan


# --- Student's t ---------------------------------------------------------------------


def t_quantile(p: float, df: float | np.ndarray) -> float | np.ndarray:
    """The p-quantile of Student's t with `df` degrees of freedom (NaN where df <= 0);
    an array of quantiles for an array of df."""
    return distributions.t_ppf(p, df)


def t_critical(df: float, level: float = LEVEL) -> float:
    """The two-sided critical value: t_quantile(1 - (1 - level) / 2, df)."""
    return t_quantile(1 - (1 - level) / 2, df)


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of a t statistic: 2 P(T > |t|) (0 for an infinite t)."""
    if math.isnan(t) or not df > 0:
        return nan
    if math.isinf(t):
        return 0.0
    return 2 * distributions.t_sf(abs(t), df)


def satterthwaite(variances: Sequence[float], dfs: Sequence[float]) -> float:
    """Welch-Satterthwaite degrees of freedom of a sum of independent variance
    estimates: (sum v)^2 / sum(v^2 / df). Terms with v = 0 add nothing; NaN when all
    variances are 0 or a variance with df <= 0 is not 0."""
    v = np.asarray(variances, dtype=float)
    d = np.asarray(dfs, dtype=float)
    used = v != 0
    if not used.any() or (d[used] <= 0).any() or np.isnan(v).any():
        return nan
    return float(v.sum() ** 2 / (v[used] ** 2 / d[used]).sum())


@dataclass(frozen=True)
class Estimate:
    """An estimate (a mean, or a difference second - first) with its standard error,
    degrees of freedom and two-sided interval at `level`."""

    estimate: float
    se: float
    df: float
    level: float = LEVEL

    @property
    def half_width(self) -> float:
        if self.se == 0:
            return 0.0
        return t_critical(self.df, self.level) * self.se

    @property
    def low(self) -> float:
        return self.estimate - self.half_width

    @property
    def high(self) -> float:
        return self.estimate + self.half_width

    @property
    def t(self) -> float:
        """estimate / se (infinite for a non-zero estimate without spread)."""
        if self.se == 0 and self.estimate != 0:
            return math.copysign(math.inf, self.estimate)
        if not self.se > 0:
            return nan
        return self.estimate / self.se

    @property
    def p_value(self) -> float:
        """Two-sided p-value of 'the true value is 0'."""
        return t_two_sided_p(self.t, self.df)

    @property
    def usable(self) -> bool:
        """Whether the interval means something: a finite, non-zero standard error and
        positive degrees of freedom."""
        return math.isfinite(self.se) and self.se > 0 and self.df > 0


# --- two means -----------------------------------------------------------------------


def welch(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int, level: float = LEVEL
) -> Estimate:
    """Welch's test of mean2 - mean1 for two independent samples (sd = sample standard
    deviation, ddof 1). Needs n >= 2 in both samples, else the SE is NaN."""
    if n1 < 2 or n2 < 2 or math.isnan(sd1) or math.isnan(sd2):
        return Estimate(mean2 - mean1, nan, nan, level)
    v1, v2 = sd1**2 / n1, sd2**2 / n2
    return Estimate(
        mean2 - mean1, math.sqrt(v1 + v2), satterthwaite([v1, v2], [n1 - 1, n2 - 1]), level
    )


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's correlation of paired values; 0 when there are fewer than
    MIN_PAIRS_FOR_CORRELATION pairs or either side has no spread (as in
    Partiallyoverlapping::Partover.test, which also uses 0 without spread)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < MIN_PAIRS_FOR_CORRELATION:
        return 0.0
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    if sxx == 0 or syy == 0:
        return 0.0
    return float(dx @ dy / math.sqrt(sxx * syy))


@dataclass(frozen=True)
class Overlap:
    """Two samples that share some units (repeat respondents): each sample's mean, sd
    (ddof 1) and size over ALL its units, the number of shared units and the correlation
    of their two values. `df1`/`df2` are the degrees of freedom of sd1/sd2 (normally
    n - 1; pass the pooled df when an sd was borrowed from a pooled variance)."""

    mean1: float
    sd1: float
    n1: int
    mean2: float
    sd2: float
    n2: int
    n_paired: int = 0
    r: float = 0.0
    df1: float | None = None
    df2: float | None = None

    @property
    def only1(self) -> int:
        return self.n1 - self.n_paired

    @property
    def only2(self) -> int:
        return self.n2 - self.n_paired


def overlap_of(
    only1: np.ndarray, only2: np.ndarray, paired1: np.ndarray, paired2: np.ndarray
) -> Overlap:
    """Summarise two partially overlapping samples given as four arrays (the layout of
    Partover.test): values only in sample 1, only in sample 2, and the shared units'
    values in sample 1 and in sample 2 (same order). r = 0 below 3 shared units."""
    paired1 = np.asarray(paired1, dtype=float)
    paired2 = np.asarray(paired2, dtype=float)
    if len(paired1) != len(paired2):
        raise ValueError("paired1 and paired2 must hold the same units, in the same order")
    first = np.concatenate([np.asarray(only1, dtype=float), paired1])
    second = np.concatenate([np.asarray(only2, dtype=float), paired2])

    def sd(x: np.ndarray) -> float:
        return float(x.std(ddof=1)) if len(x) > 1 else nan

    return Overlap(
        mean1=float(first.mean()) if len(first) else nan,
        sd1=sd(first),
        n1=len(first),
        mean2=float(second.mean()) if len(second) else nan,
        sd2=sd(second),
        n2=len(second),
        n_paired=len(paired1),
        r=pearson(paired1, paired2),
    )


def partial_overlap(
    sample: Overlap, *, equal_variances: bool = False, level: float = LEVEL
) -> Estimate:
    """The partially overlapping samples t-test of mean2 - mean1 (Derrick, Russ, Toher
    and White 2017), as Partiallyoverlapping::Partover.test computes it.

    Welch-type (default):
        se^2 = s1^2/n1 + s2^2/n2 - 2 r s1 s2 n_c / (n1 n2)
        df   = (n_c - 1) + (gamma - n_c + 1) / (n_a + n_b + 2 n_c) * (n_a + n_b)
    with gamma the Welch-Satterthwaite df of s1^2/n1 + s2^2/n2, n_c shared units and
    n_a, n_b units in only one sample. With no shared units this is Welch's test; with
    only shared units, the paired t-test. When an sd is borrowed (`df1`/`df2` given:
    a sample of one), r is 0 and the df is gamma. `equal_variances` uses the pooled sd and
    df = (n_c - 1) + (n_a + n_b + n_c - 1) / (n_a + n_b + 2 n_c) * (n_a + n_b).
    """
    s = sample
    diff = s.mean2 - s.mean1
    borrowed = s.df1 is not None or s.df2 is not None
    too_small = (s.n1 < 2 and s.df1 is None) or (s.n2 < 2 and s.df2 is None)
    if too_small or min(s.n1, s.n2) < 1 or math.isnan(s.sd1) or math.isnan(s.sd2):
        return Estimate(diff, nan, nan, level)
    nc, na, nb = s.n_paired, s.only1, s.only2
    overlap = 2 * s.r * nc / (s.n1 * s.n2)
    if equal_variances:
        pooled = ((s.n1 - 1) * s.sd1**2 + (s.n2 - 1) * s.sd2**2) / (s.n1 + s.n2 - 2)
        var = pooled * (1 / s.n1 + 1 / s.n2 - overlap)
        gamma = s.n1 + s.n2 - 2  # so that gamma - n_c + 1 = n_a + n_b + n_c - 1
    else:
        v1, v2 = s.sd1**2 / s.n1, s.sd2**2 / s.n2
        var = v1 + v2 - overlap * s.sd1 * s.sd2
        df1 = s.n1 - 1 if s.df1 is None else s.df1
        df2 = s.n2 - 1 if s.df2 is None else s.df2
        gamma = satterthwaite([v1, v2], [df1, df2])
    if borrowed and not equal_variances:
        df = gamma  # a borrowed sd comes with r = 0 (n < 3): the Welch df
    elif na + nb == 0:
        df = nc - 1
    elif math.isnan(gamma):  # no spread at all: the df do not matter
        df = nan
    else:
        df = (nc - 1) + (gamma - nc + 1) / (na + nb + 2 * nc) * (na + nb)
    return Estimate(diff, math.sqrt(max(var, 0.0)), df, level)


# --- one agency, one vote ------------------------------------------------------------


def pooled_variance(sds: Sequence[float], ns: Sequence[int]) -> tuple[float, float]:
    """(pooled within-group variance, its df): sum (n_k - 1) s_k^2 / sum (n_k - 1) over
    the groups with at least 2 members; (NaN, 0) when there are none."""
    s = np.asarray(sds, dtype=float)
    n = np.asarray(ns, dtype=float)
    used = n >= 2
    df = float((n[used] - 1).sum())
    if df == 0:
        return nan, 0.0
    return float(((n[used] - 1) * s[used] ** 2).sum() / df), df


def _filled_variances(
    sds: Sequence[float], ns: Sequence[int], pooled: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Per group: its variance and df, or the pooled ones for a group of one."""
    s = np.asarray(sds, dtype=float)
    n = np.asarray(ns, dtype=float)
    single = n < 2
    var = np.where(single, pooled[0], s**2)
    df = np.where(single, pooled[1], n - 1)
    return var, df


def agency_mean(
    means: Sequence[float], sds: Sequence[float], ns: Sequence[int], level: float = LEVEL
) -> Estimate:
    """The mean of K agency means (one agency, one vote) for a partnership whose
    agencies are the whole population: variance sum s_k^2 / (K^2 n_k), an agency of one
    respondent taking the pooled within-agency variance; df by Welch-Satterthwaite
    (the pooled df for an agency of one)."""
    m = np.asarray(means, dtype=float)
    n = np.asarray(ns, dtype=float)
    k = len(m)
    if k == 0:
        return Estimate(nan, nan, nan, level)
    var, df = _filled_variances(sds, ns, pooled_variance(sds, ns))
    parts = var / (k**2 * n)
    if np.isnan(parts).any():
        return Estimate(float(m.mean()), nan, nan, level)
    return Estimate(float(m.mean()), math.sqrt(parts.sum()), satterthwaite(parts, df), level)


def _borrow_pooled(
    agencies: Sequence[Overlap], pooled1: tuple[float, float], pooled2: tuple[float, float]
) -> list[Overlap]:
    """The agencies' overlaps with the sd of a wave where an agency has a single
    respondent replaced by that wave's pooled within-agency sd (and its df)."""
    out = []
    for a in agencies:
        fix = {}
        if a.n1 < 2:
            fix.update(sd1=math.sqrt(pooled1[0]), df1=pooled1[1])
        if a.n2 < 2:
            fix.update(sd2=math.sqrt(pooled2[0]), df2=pooled2[1])
        out.append(replace(a, **fix) if fix else a)
    return out


def agency_change(
    agencies: Sequence[Overlap], level: float = LEVEL, *, pooled: bool = True
) -> Estimate:
    """Change of the agency-weighted mean between two waves, over agencies present in
    both: the mean of the K agencies' differences; variance sum se_k^2 / K^2 with se_k
    from each agency's partially overlapping comparison (its repeat respondents); df by
    Welch-Satterthwaite. With `pooled`, an agency with one respondent in a wave takes
    that wave's pooled within-agency sd."""
    k = len(agencies)
    if k == 0:
        return Estimate(nan, nan, nan, level)
    if pooled:
        agencies = _borrow_pooled(
            agencies,
            pooled_variance([a.sd1 for a in agencies], [a.n1 for a in agencies]),
            pooled_variance([a.sd2 for a in agencies], [a.n2 for a in agencies]),
        )
    each = [partial_overlap(a, level=level) for a in agencies]
    diff = float(np.mean([e.estimate for e in each]))
    parts = np.array([e.se**2 for e in each]) / k**2
    if np.isnan(parts).any():
        return Estimate(diff, nan, nan, level)
    return Estimate(diff, math.sqrt(parts.sum()), satterthwaite(parts, [e.df for e in each]), level)


# --- between-agency differences ------------------------------------------------------


@dataclass(frozen=True)
class Anova:
    """One-way random-effects ANOVA of respondents nested in K agencies."""

    k: int  # agencies
    n: int  # respondents
    ms_between: float
    ms_within: float
    n0: float  # (N - sum n_k^2 / N) / (K - 1): the "average" agency size
    f: float
    p_value: float  # P(F(K-1, N-K) > f)
    tau2: float  # between-agency variance net of sampling noise, max(0, (MSB - MSW) / n0)
    icc: float  # ICC(1) = tau2 / (tau2 + MSW)

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2) if not math.isnan(self.tau2) else nan


def random_effects_anova(ns: Sequence[int], means: Sequence[float], sds: Sequence[float]) -> Anova:
    """The ANOVA from each agency's size, mean and sd (ddof 1; NaN for one respondent).
    NaN results when K < 2 or there are no within-agency degrees of freedom."""
    n = np.asarray(ns, dtype=float)
    m = np.asarray(means, dtype=float)
    s = np.nan_to_num(np.asarray(sds, dtype=float), nan=0.0)
    k, total = len(n), float(n.sum())
    if k < 2 or total - k < 1:
        return Anova(k, int(total), nan, nan, nan, nan, nan, nan, nan)
    grand = float((n * m).sum() / total)
    msb = float((n * (m - grand) ** 2).sum() / (k - 1))
    msw = float(((n - 1) * s**2).sum() / (total - k))
    n0 = (total - float((n**2).sum()) / total) / (k - 1)
    tau2 = max(0.0, (msb - msw) / n0)
    if msw > 0:
        f = msb / msw
        p = distributions.f_sf(f, k - 1, total - k)
    else:
        f, p = (math.inf, 0.0) if msb > 0 else (nan, nan)
    icc = tau2 / (tau2 + msw) if tau2 + msw > 0 else nan
    return Anova(k, int(total), msb, msw, n0, f, p, tau2, icc)


# --- reliability ---------------------------------------------------------------------


def feldt_interval(alpha: float, n: int, items: int, level: float = LEVEL) -> tuple[float, float]:
    """Feldt's interval for Cronbach's alpha from n respondents and `items` items:
    (1 - alpha) / (1 - alpha_hat) follows F(n - 1, (n - 1)(items - 1)), so the bounds are
    1 - (1 - alpha_hat) F_{1-a/2} and 1 - (1 - alpha_hat) F_{a/2}. NaN when n < 2,
    items < 2 or alpha is NaN."""
    if math.isnan(alpha) or n < 2 or items < 2:
        return nan, nan
    df1, df2 = n - 1, (n - 1) * (items - 1)
    tail = (1 - level) / 2
    upper_f = distributions.f_ppf(1 - tail, df1, df2)
    lower_f = distributions.f_ppf(tail, df1, df2)
    return 1 - (1 - alpha) * upper_f, 1 - (1 - alpha) * lower_f
