"""Measures of generated words against a real word list (docs/text.md).

- real: the share of generated words (counting repeats) that are words of the whole list;
- new: the share that are real words and not in the training part (the generator made up a real word it
  never saw); real_and_new is that share of all generated words;
- js4: the Jensen-Shannon divergence (natural log, in [0, ln 2]) between the character 4-gram
  distributions of the generated words and of the held-out words, as Gulrajani et al. 2017 report for
  their language model; each word is framed by a start and an end mark, so that word beginnings and
  endings count, and 4-grams are counted over all words (a repeat counts again);
- distinct: the share of generated words that are distinct;
- mean_length, and length_js: the Jensen-Shannon divergence between the length histograms.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

BOUNDARY = "^", "$"  # start and end marks framing each word for n-gram counts


def ngram_counts(words: Iterable[str], order: int = 4) -> Counter[str]:
    """Character n-grams of every word framed as ^word$ (a word shorter than order-2 gives its whole frame)."""
    counts: Counter[str] = Counter()
    for word in words:
        framed = BOUNDARY[0] + word + BOUNDARY[1]
        if len(framed) <= order:
            counts[framed] += 1
            continue
        counts.update(framed[i : i + order] for i in range(len(framed) - order + 1))
    return counts


def js_divergence(a: Counter, b: Counter) -> float:
    """Jensen-Shannon divergence (natural log) between two count distributions."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return math.log(2)
    divergence = 0.0
    for key in a.keys() | b.keys():
        p, q = a.get(key, 0) / total_a, b.get(key, 0) / total_b
        m = (p + q) / 2
        if p:
            divergence += 0.5 * p * math.log(p / m)
        if q:
            divergence += 0.5 * q * math.log(q / m)
    return divergence


def word_metrics(generated: Sequence[str], *, vocabulary: set[str], training: set[str],
                 heldout: Sequence[str], order: int = 4) -> dict[str, float]:
    """The measures of the module doc for `generated` words (repeats included)."""
    if not generated:
        raise ValueError("no generated words to measure")
    count = len(generated)
    real = [word for word in generated if word in vocabulary]
    new = [word for word in real if word not in training]
    return {
        "real": len(real) / count,
        "new_among_real": len(new) / len(real) if real else 0.0,
        "real_and_new": len(new) / count,
        "js4": js_divergence(ngram_counts(generated, order), ngram_counts(heldout, order)),
        "distinct": len(set(generated)) / count,
        "mean_length": sum(map(len, generated)) / count,
        "length_js": js_divergence(Counter(map(len, generated)), Counter(map(len, heldout))),
    }
