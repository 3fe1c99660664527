"""Student's t and Fisher's F in plain Python: tail probabilities and quantiles.

Both come from the regularised incomplete beta function I_x(a, b):

    P(T > t) = I_x(df/2, 1/2) / 2   with x = df / (df + t^2), t >= 0
    P(F < f) = I_u(d1/2, d2/2)      with u = d1 f / (d1 f + d2)

I_x(a, b) is its continued fraction (Abramowitz & Stegun 26.5.8) summed by the modified
Lentz method on the side where it converges quickly, x < (a + 1) / (a + b + 2); the other
side is 1 - I_(1-x)(b, a). The factor x^a (1-x)^b / B(a, b) in front of it is taken in
logarithms relative to the mean a / (a + b), with Stirling's series for log Gamma, so
that large degrees of freedom lose no accuracy. The same factor is t times the density
of t (and f times the density of F), which Newton's method needs.

Quantiles solve log P(tail) = log(target) by Newton's method in log(statistic), where
the tails of both distributions are nearly straight lines, started from a Cornish-Fisher
expansion (t) or the log-normal approximation of F, and kept inside a shrinking bracket
(bisection whenever a step would leave it). For large df, t's quantile is the
Cornish-Fisher expansion itself (A&S 26.7.5, terms to 1/df^4), exact to 1e-13 there.

Each function is computed on plain numbers with `math`; given arrays, it is applied to
each element (numpy is imported only then). Importing scipy, or even numpy, costs more
than a command line's whole start-up. Accuracy (checked against scipy in the tests):
relative 1e-12 or better for degrees of freedom from 0.5 to 1e9.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_TINY = 1e-300
_CF_EPS = 4e-15
_CF_MAX_TERMS = 5_000
_NEWTON_STEPS = 200
_NEWTON_STOP = 1e-9
_BRACKET_STOP = 1e-15
# log(statistic) stays inside this range (statistics from 1e-300 to 1e300).
_LOG_RANGE = 690.0
nan, inf = math.nan, math.inf


# --- arithmetic that gives inf and nan where math raises (as IEEE arrays do) ----------


def _log(x: float) -> float:
    if x > 0:
        return math.log(x)
    return -inf if x == 0 else nan


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return inf


def _ratio(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or math.isnan(a):
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)


def _clip(u: float) -> float:
    return min(max(u, -_LOG_RANGE), _LOG_RANGE)


# --- the incomplete beta function ---------------------------------------------------


def _stirling_rest(s: float) -> float:
    """log Gamma(s) - [(s - 1/2) log s - s + log(2 pi)/2]: the tail of Stirling's series
    (to s^-9, exact to 1e-15 for s >= 10) or, below 10, that difference itself."""
    if s >= 10:
        z = 1 / s
        z2 = z * z
        return z * (1 / 12 - z2 * (1 / 360 - z2 * (1 / 1260 - z2 * (1 / 1680 - z2 / 1188))))
    return math.lgamma(s) - ((s - 0.5) * math.log(s) - s + _HALF_LOG_2PI)


def _log_ratio_to_mean(x: float, mean: float, gap: float, other: float) -> float:
    """log(x / mean) where mean - x = gap and 1 / mean = 1 + other: by log1p near the mean,
    directly far from it (where x may be tiny)."""
    if abs(gap) < 0.5 * mean:
        return math.log1p(-gap / mean)
    return _log(x) + math.log1p(other)


def _log_front(a: float, b: float, x: float, y: float) -> float:
    """log(x^a y^b / B(a, b)) with y = 1 - x given separately (both exact)."""
    s = a + b
    gap = (a * y - b * x) / s  # a/s - x = y - b/s
    log_x = _log_ratio_to_mean(x, a / s, gap, b / a)
    log_y = _log_ratio_to_mean(y, b / s, -gap, a / b)
    rest = _stirling_rest(s) - _stirling_rest(a) - _stirling_rest(b)
    return a * log_x + b * log_y + 0.5 * math.log(a * b / s) - _HALF_LOG_2PI + rest


def _guarded(v: float) -> float:
    return _TINY if abs(v) < _TINY else v


def _continued_fraction(a: float, b: float, x: float, y: float) -> float:
    """The continued fraction of I_x(a, b) (A&S 26.5.8) by the modified Lentz method
    (y = 1 - x keeps its first term exact when x is close to 1)."""
    c = 1.0
    d = 1 / _guarded((a * y + (1 - b * x)) / (a + 1))
    h = d
    for m in range(1, _CF_MAX_TERMS):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 / _guarded(1 + even * d)
        c = _guarded(1 + even / c)
        h *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 / _guarded(1 + odd * d)
        c = _guarded(1 + odd / c)
        step = d * c
        h *= step
        if abs(step - 1) < _CF_EPS:
            break
    return h


def _beta_tails(a: float, b: float, x: float, y: float) -> tuple[float, float, float]:
    """I_x(a, b), 1 - I_x(a, b) (each exact even when tiny) and log(x^a y^b / B(a, b))."""
    direct = x < (a + 1) / (a + b + 2)
    aa, bb, xx, yy = (a, b, x, y) if direct else (b, a, y, x)
    front = _log_front(aa, bb, xx, yy)
    side = _exp(front) * _continued_fraction(aa, bb, xx, yy) / aa
    return (side, 1 - side, front) if direct else (1 - side, side, front)


# --- Student's t ----------------------------------------------------------------------


def _t_upper(t: float, df: float) -> tuple[float, float]:
    """P(T > t) for t >= 0 and t times the density at t."""
    ratio = t * t / df
    x, y = 1 / (1 + ratio), _ratio(ratio, 1 + ratio)
    lower, _, front = _beta_tails(df / 2, 0.5, x, y)
    return lower / 2, _exp(front)


def _t_sf(t: float, df: float) -> float:
    if not df > 0 or math.isnan(t):
        return nan
    if math.isinf(t):
        return float(t < 0)
    upper, _ = _t_upper(abs(t), df)
    return upper if t >= 0 else 1 - upper


def _normal_upper_guess(q: float) -> float:
    """z with P(Z > z) about q (0 < q <= 1/2): A&S 26.2.23, within 5e-4."""
    w = math.sqrt(-2 * math.log(q))
    return w - (2.515517 + w * (0.802853 + w * 0.010328)) / (
        1 + w * (1.432788 + w * (0.189269 + w * 0.001308))
    )


def _normal_upper(q: float) -> float:
    """z with P(Z > z) = q (0 < q <= 1/2): Newton steps on log P(Z > z), using math.erfc."""
    z = _normal_upper_guess(q)
    for _ in range(4):
        tail = 0.5 * math.erfc(z / math.sqrt(2))
        density = math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        z = z + _ratio((_log(tail) - math.log(q)) * tail, density)
    return z


def _t_expansion(z: float, df: float) -> float:
    """Cornish-Fisher expansion of t's quantile in powers of 1/df (A&S 26.7.5, to 1/df^4)."""
    z2 = z * z
    g1 = z * (z2 + 1) / 4
    g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
    g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
    g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df


def _t_guess(q: float, df: float) -> float:
    """A starting t with P(T > t) about q (0 < q < 1/2): Cornish-Fisher (A&S 26.7.5) for
    large df, the power-law tail P(T > t) ~ C t^-df for small df."""
    z = _normal_upper_guess(q)
    if df > 2:
        z2 = z * z
        return z + z * (z2 + 1) / (4 * df) + z * ((5 * z2 + 16) * z2 + 3) / (96 * df * df)
    # For df <= 2: t^df * q ~ c, with c from the exact df = 1 tail (1 / pi).
    try:
        tail = (1 / (math.pi * q)) ** (1 / df) * math.sqrt(df)
    except OverflowError:
        tail = inf
    return max(tail, z)


def _solve_log(
    log_target: float,
    guess: float,
    tail_and_slope: Callable[[float], tuple[float, float]],
    increasing: bool,
) -> float:
    """u with log tail(u) = log_target, by bracketed Newton steps in u; `increasing` says
    whether the tail rises with u. It stops after a Newton step below _NEWTON_STOP (the
    error is then about that squared)."""
    u = _clip(_log(guess))
    low, high = -_LOG_RANGE, _LOG_RANGE
    for _ in range(_NEWTON_STEPS):
        log_tail, slope = tail_and_slope(u)
        gap = log_tail - log_target
        if (gap < 0) if increasing else (gap > 0):  # the root lies above u
            low = u
        else:
            high = u
        proposal = u - _ratio(gap, slope)
        inside = math.isfinite(proposal) and low < proposal < high
        new = proposal if inside else (low + high) / 2
        settled = gap == 0 or (inside and abs(new - u) <= _NEWTON_STOP)
        settled = settled or high - low <= _BRACKET_STOP
        if gap != 0:
            u = new
        if settled:
            break
    return u


def _t_upper_quantile(q: float, nu: float) -> float:
    """t with P(T > t) = q (0 < q < 1/2, nu > 0). Where nu >= 100 z^2 the expansion's
    first omitted term is below 1e-13 of t, so it is the answer (summing the continued
    fraction is slow there); elsewhere Newton's method."""
    z = _normal_upper(q)
    if nu >= 100 * max(z * z, 1.0):
        return _t_expansion(z, nu)

    def tail(u: float) -> tuple[float, float]:
        upper, t_density = _t_upper(_exp(u), nu)
        return _log(upper), _ratio(-t_density, upper)

    return _exp(_solve_log(math.log(q), _t_guess(q, nu), tail, increasing=False))


def _t_ppf(p: float, df: float) -> float:
    if not (df > 0 and 0 <= p <= 1):
        return nan
    if p in (0, 0.5, 1):
        return {0: -inf, 0.5: 0.0, 1: inf}[p]
    t = _t_upper_quantile(min(p, 1 - p), df)
    return -t if p < 0.5 else t


# --- Fisher's F -----------------------------------------------------------------------


def _f_tails(f: float, d1: float, d2: float) -> tuple[float, float, float]:
    """P(F < f), P(F > f) and f times the density at f."""
    ratio = d1 * f / d2
    u, v = _ratio(ratio, 1 + ratio), 1 / (1 + ratio)
    lower, upper, front = _beta_tails(d1 / 2, d2 / 2, u, v)
    return lower, upper, _exp(front)


def _f_sf(f: float, d1: float, d2: float) -> float:
    if not (d1 > 0 and d2 > 0) or math.isnan(f):
        return nan
    if f <= 0:
        return 1.0
    if math.isinf(f):
        return 0.0
    return _f_tails(f, d1, d2)[1]


def _f_ppf(p: float, d1: float, d2: float) -> float:
    if not (d1 > 0 and d2 > 0 and 0 <= p <= 1):
        return nan
    if p in (0, 1):
        return 0.0 if p == 0 else inf
    lower_side = p <= 0.5
    target = p if lower_side else 1 - p
    sign = 1.0 if lower_side else -1.0

    def tail(u: float) -> tuple[float, float]:
        lower, upper, f_density = _f_tails(_exp(u), d1, d2)
        chosen = lower if lower_side else upper
        return _log(chosen), _ratio(sign * f_density, chosen)

    # log F is about normal with variance 2/d1 + 2/d2 (and mean about 0).
    z = _normal_upper_guess(target) * -sign
    guess = _exp(_clip(z * math.sqrt(2 / d1 + 2 / d2)))
    return _exp(_solve_log(math.log(target), guess, tail, increasing=lower_side))


# --- the public functions: numbers or arrays ------------------------------------------


def _each(function: Callable[..., float], *args):
    """`function` of plain numbers; of arrays (broadcast together), element by element:
    a float for numbers or a 0-d result, an array otherwise."""
    if all(isinstance(a, Real) for a in args):
        return function(*(float(a) for a in args))
    import numpy as np

    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))
    out = np.asarray(np.frompyfunc(function, len(args), 1)(*arrays), dtype=float)
    return float(out) if out.ndim == 0 else out


def t_sf(t, df):
    """P(T > t) for Student's t with `df` degrees of freedom (NaN where df <= 0)."""
    return _each(_t_sf, t, df)


def t_ppf(p, df):
    """The p-quantile of Student's t with `df` degrees of freedom (NaN where df <= 0 or p
    is outside [0, 1]; -inf and inf at p = 0 and 1)."""
    return _each(_t_ppf, p, df)


def f_sf(f, d1, d2):
    """P(F > f) for Fisher's F with (d1, d2) degrees of freedom (NaN where either <= 0)."""
    return _each(_f_sf, f, d1, d2)


def f_ppf(p, d1, d2):
    """The p-quantile of Fisher's F with (d1, d2) degrees of freedom (NaN where either is
    <= 0 or p is outside [0, 1]; 0 and inf at p = 0 and 1)."""
    return _each(_f_ppf, p, d1, d2)
