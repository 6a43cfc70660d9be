"""A tiny calculator: the code under test of the sample project."""

from mathutil import clamp


def add(a, b):
    """Sum of a and b."""
    return a + b


def multiply(a, b):
    """Product of a and b."""
    return a * b


def percent(part, whole):
    """Share of part in whole, in percent, limited to 0..100."""
    if whole == 0:
        return 0.0
    return clamp(100.0 * part / whole, 0.0, 100.0)


def mean(values):
    """Arithmetic mean of a non-empty list."""
    total = 0
    for value in values:
        total = add(total, value)
    return total / len(values)
