"""The shipped domain feature networks (28x28 classifiers)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganforge.data import load_dataset, resize_dataset
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


def test_domain_networks_take_other_square_sizes_and_refuse_colour():
    # mnist-5k at 32x32 (as stylegan2-mnist trains on it) is judged as well as at 28x28
    digits = build_extractor("digits")
    heldout = load_dataset("mnist-5k", "heldout")
    larger = resize_dataset(heldout, 32).images
    assert larger.shape[1:] == (32, 32, 1)
    accuracy = (digits.predict(larger) == torch.from_numpy(heldout.labels)).double().mean()
    assert accuracy > 0.97
    assert fid(digits(larger), digits(heldout.images)) < 0.05 * fid(digits(larger[heldout.labels == 0]),
                                                                      digits(heldout.images[heldout.labels == 1]))
    with pytest.raises(GanforgeError, match="square grayscale .* not 28x28 with 3 channel.*--features inception"):
        digits(np.zeros((2, 28, 28, 3), dtype=np.uint8))
    with pytest.raises(GanforgeError, match="not 32x28"):
        digits.check(np.zeros((2, 28, 32, 1), dtype=np.uint8))


def test_each_known_dataset_has_a_registered_domain_network():
    for data in ("mnist-5k", "mnist", "fashion-mnist"):
        assert domain_extractor_name(data) in EXTRACTORS
    assert domain_extractor_name("my/photos") is None
