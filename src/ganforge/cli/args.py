"""Argument types shared by the commands: a bad value is argparse's one-line error, before any work."""

from __future__ import annotations

import argparse

MAX_SEED = 2**32 - 1  # seeds feed torch, numpy and Python generators alike


def seed_type(text: str) -> int:
    """A noise seed: a whole number from 0 to MAX_SEED."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text} is outside 0 to {MAX_SEED}")
    return value


def class_list(text: str) -> tuple[int, ...]:
    """Class indices as a comma-separated list: "0" or "0,6"."""
    try:
        classes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give class numbers separated by commas, like 0 or 0,6") from None
    if any(c < 0 for c in classes) or len(set(classes)) != len(classes):
        raise argparse.ArgumentTypeError(f"{text!r}: class numbers are >= 0 and each given once")
    return classes
