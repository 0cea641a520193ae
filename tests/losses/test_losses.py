"""Adversarial losses and regularisers against values worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from ganforge.losses import ADVERSARIAL_LOSSES, gradient_penalty, r1_penalty


def test_non_saturating_at_zero_logits_is_log2():
    loss = ADVERSARIAL_LOSSES.get("non-saturating")
    zeros = torch.zeros(4)
    assert loss.discriminator(zeros, zeros).item() == pytest.approx(2 * math.log(2))
    assert loss.generator(zeros).item() == pytest.approx(math.log(2))


def test_each_discriminator_loss_prefers_the_right_answer():
    good = (torch.full((8,), 3.0), torch.full((8,), -3.0))  # confident and right
    bad = (torch.full((8,), -3.0), torch.full((8,), 3.0))
    for name, loss in ADVERSARIAL_LOSSES.items():
        assert loss.discriminator(*good) < loss.discriminator(*bad), name
        assert loss.generator(good[0]) < loss.generator(good[1]), name


def test_hinge_and_least_squares_values():
    real, fake = torch.tensor([0.5]), torch.tensor([0.5])
    assert ADVERSARIAL_LOSSES.get("hinge").discriminator(real, fake).item() == pytest.approx(0.5 + 1.5)
    assert ADVERSARIAL_LOSSES.get("least-squares").discriminator(real, fake).item() == pytest.approx(0.125 + 0.125)


def test_gradient_penalty_of_a_unit_slope_critic_is_zero():
    w = torch.zeros(1, 4)
    w[0, 0] = 1.0  # ||grad|| = 1 everywhere
    critic = lambda x: (x.flatten(1) * w).sum(1)
    assert gradient_penalty(critic, torch.randn(5, 4), torch.randn(5, 4)).item() == pytest.approx(0.0, abs=1e-10)
    steep = lambda x: 3 * critic(x)  # ||grad|| = 3 -> (3 - 1)^2
    assert gradient_penalty(steep, torch.randn(5, 4), torch.randn(5, 4)).item() == pytest.approx(4.0)


def test_r1_is_the_squared_gradient_norm():
    x = torch.randn(6, 3, requires_grad=True)
    logits = (2 * x).sum(1)  # gradient 2 in each of 3 coordinates -> ||g||^2 = 12
    assert r1_penalty(logits, x).item() == pytest.approx(12.0)


def test_unknown_loss_lists_choices():
    from ganforge.errors import GanforgeError

    with pytest.raises(GanforgeError, match="hinge"):
        ADVERSARIAL_LOSSES.get("hing")
