"""The shipped 28x28 domain feature networks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganforge.data import load_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics.extractors import EXTRACTORS, build_extractor, domain_extractor_name
from ganforge.metrics.features import fid


def test_digit_features_separate_digits_and_judge_them():
    digits = build_extractor("digits")
    heldout = load_dataset("mnist-5k", "heldout")
    features = digits(heldout.images)
    assert features.shape == (1000, 128) and features.dtype == torch.float64
    # the classifier behind the features recognises real held-out digits
    accuracy = (digits.predict(heldout.images) == torch.from_numpy(heldout.labels)).double().mean()
    assert accuracy > 0.97
    # two halves of the same digits are closer than zeros are to ones
    zeros, ones = features[heldout.labels == 0], features[heldout.labels == 1]
    assert fid(zeros[:50], zeros[50:]) < 0.2 * fid(zeros, ones)


def test_domain_networks_refuse_other_shapes():
    with pytest.raises(GanforgeError, match="28x28 grayscale .* not 32x32 .*--features inception"):
        build_extractor("digits").check(np.zeros((2, 32, 32, 1), dtype=np.uint8))
    with pytest.raises(GanforgeError, match="3 channel"):
        build_extractor("digits")(np.zeros((2, 28, 28, 3), dtype=np.uint8))


def test_each_known_dataset_has_a_registered_domain_network():
    for data in ("mnist-5k", "mnist", "fashion-mnist"):
        assert domain_extractor_name(data) in EXTRACTORS
    assert domain_extractor_name("my/photos") is None
