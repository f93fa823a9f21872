"""Intervals on a share that more than one lesson reports (no widgets, no state)."""

from __future__ import annotations

from statsmodels.stats.proportion import proportion_confint


def wilson_interval(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for the share ``successes / n`` at two-sided coverage ``level``
    (statsmodels' ``proportion_confint(method="wilson")``)."""
    if n <= 0:
        raise ValueError(f"need at least one case, got n={n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n, got {successes} of {n}")
    low, high = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    return (max(0.0, float(low)), min(1.0, float(high)))
