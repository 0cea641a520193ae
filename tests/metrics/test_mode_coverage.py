"""The unconditional judge: real digits pass as even and confident; a collapsed generator does not."""

from __future__ import annotations

import pytest
import torch

from ganforge.data import load_dataset
from ganforge.metrics import load_classifier, unconditional_report
from ganforge.metrics.conditional import class_evenness
from ganforge.models.pretrained import WEIGHTS_DIR


def test_class_evenness_spans_one_class_to_uniform():
    assert class_evenness(torch.full((10,), 0.1)) == pytest.approx(1.0)
    assert class_evenness(torch.tensor([1.0] + [0.0] * 9)) == pytest.approx(0.0)
    assert 0.2 < class_evenness(torch.tensor([0.5, 0.5] + [0.0] * 8)) < 0.35  # log 2 / log 10


@pytest.fixture(scope="module")
def digits():
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    return load_classifier(WEIGHTS_DIR / "mnist-classifier"), train, heldout


def test_real_digits_look_like_real_digits(digits):
    classifier, train, heldout = digits
    every_fifth, _ = heldout.batch(range(0, len(heldout), 5))  # 20 of each digit
    report = unconditional_report(lambda count: every_fifth[:count], classifier, train, heldout, count=200)
    assert report["confident_fake"] > 0.9 and report["class_evenness"] > 0.95
    assert report["class_evenness_real"] > 0.95  # the reference is a fair sample of the held-out digits
    assert report["smallest_class_share"] > 0.03
    assert report["nn_distance_ratio"] == pytest.approx(1.0, abs=0.15)


def test_a_collapsed_generator_is_caught(digits):
    classifier, train, heldout = digits
    one_digit, _ = train.batch([0] * 200)  # the same training image every time: collapsed and copied
    report = unconditional_report(lambda count: one_digit[:count], classifier, train, heldout, count=200)
    assert report["class_evenness"] == pytest.approx(0.0) and report["smallest_class_share"] == 0.0
    assert report["diversity_ratio"] == pytest.approx(0.0, abs=1e-6) and report["nn_distance_ratio"] < 0.01
