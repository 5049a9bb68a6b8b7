"""Hand-written tail probabilities the statistics tests compare scipy's with."""

from __future__ import annotations

from math import comb


def hypergeometric_tail(k: int, population: int, successes: int, draws: int) -> float:
    """P(X >= k): the one-sided Fisher exact p-value of a 2x2 table."""
    top = min(successes, draws)
    return sum(
        comb(successes, i) * comb(population - successes, draws - i) for i in range(k, top + 1)
    ) / comb(population, draws)


def binomial_tail(k: int, n: int, p: float) -> float:
    return sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
