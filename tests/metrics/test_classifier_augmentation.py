"""The classic digit augmentation moves ink without creating or losing much of it."""

import numpy as np
import pytest
import torch

from ganforge.data import load_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics.classifier import classic_augment, train_classifier
from ganforge.utils.images import from_uint8


def test_classic_augmentation_moves_ink_and_keeps_the_background():
    digits = from_uint8(load_dataset("mnist-5k", "heldout").images[:64])
    moved = classic_augment(digits, torch.Generator().manual_seed(0))
    assert moved.shape == digits.shape and float(moved.min()) >= -1.0001 and float(moved.max()) <= 1.0001
    ink_before, ink_after = (digits + 1).sum((1, 2, 3)), (moved + 1).sum((1, 2, 3))
    assert torch.allclose(ink_after, ink_before, rtol=0.3)  # scaling by 0.9-1.1 changes the area by ~20 % at most
    assert float((moved - digits).abs().mean()) > 0.02  # it did move
    corners = moved[:, :, :2, :2]
    assert float(corners.max()) == pytest.approx(-1, abs=1e-4)  # no ink pulled into the corners
    again = classic_augment(digits, torch.Generator().manual_seed(0))
    assert torch.equal(moved, again)


def test_an_unknown_augmentation_is_refused():
    data = load_dataset("mnist-5k", "heldout").subset(np.arange(20))
    with pytest.raises(GanforgeError, match="classic"):
        train_classifier(data, steps=1, augmentation="mixup")


def test_training_a_judge_is_seeded_and_leaves_the_callers_random_state_alone():
    data = load_dataset("mnist-5k", "heldout").subset(np.arange(128))
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    first = train_classifier(data, steps=3, batch_size=16, seed=5)
    assert torch.equal(torch.random.get_rng_state(), before)  # a library call does not reseed its caller
    second = train_classifier(data, steps=3, batch_size=16, seed=5)
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values()))
