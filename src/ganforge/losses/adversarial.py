"""Adversarial losses on raw discriminator logits, as (discriminator, generator) pairs of pure functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch.nn.functional as F
from torch import Tensor

from ganforge.registry import Registry


@dataclass(frozen=True)
class AdversarialLoss:
    """The two halves of a GAN loss; both return a scalar to minimise."""

    discriminator: Callable[[Tensor, Tensor], Tensor]  # (real_logits, fake_logits) -> loss
    generator: Callable[[Tensor], Tensor]  # fake_logits -> loss
    needs_gradient_penalty: bool = False  # WGAN's critic must be kept 1-Lipschitz


def ns_discriminator(real: Tensor, fake: Tensor) -> Tensor:
    """Goodfellow et al.: -log D(x) - log(1 - D(G(z))), written with softplus for stability."""
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def ns_generator(fake: Tensor) -> Tensor:
    """Non-saturating generator loss -log D(G(z)): strong gradients while D still wins."""
    return F.softplus(-fake).mean()


def hinge_discriminator(real: Tensor, fake: Tensor) -> Tensor:
    """Hinge loss (Lim & Ye; used by SAGAN/BigGAN)."""
    return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


def hinge_generator(fake: Tensor) -> Tensor:
    """Generator side of the hinge loss: raise the critic's score of fakes."""
    return -fake.mean()


def lsgan_discriminator(real: Tensor, fake: Tensor) -> Tensor:
    """Least squares (Mao et al.): real -> 1, fake -> 0; halved as in the paper."""
    return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake**2).mean()


def lsgan_generator(fake: Tensor) -> Tensor:
    """Least-squares generator loss: push fake scores to 1. Not halved (Mao et al. halve it), as in
    Zhu et al.'s CycleGAN code, whose cycle weight 10 is balanced against this scale."""
    return ((fake - 1) ** 2).mean()


def wasserstein_discriminator(real: Tensor, fake: Tensor) -> Tensor:
    """WGAN critic: maximise E[D(x)] - E[D(G(z))] (needs a gradient penalty, see regularizers)."""
    return fake.mean() - real.mean()


ADVERSARIAL_LOSSES: Registry[AdversarialLoss] = Registry("adversarial loss")
ADVERSARIAL_LOSSES.register("non-saturating", AdversarialLoss(ns_discriminator, ns_generator))
ADVERSARIAL_LOSSES.register("hinge", AdversarialLoss(hinge_discriminator, hinge_generator))
ADVERSARIAL_LOSSES.register("least-squares", AdversarialLoss(lsgan_discriminator, lsgan_generator))
ADVERSARIAL_LOSSES.register(
    "wgan-gp", AdversarialLoss(wasserstein_discriminator, hinge_generator, needs_gradient_penalty=True)
)
