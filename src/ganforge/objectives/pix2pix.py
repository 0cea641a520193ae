"""The pix2pix step (Isola et al. 2017): a conditional discriminator update, then the generator's
adversarial + L1 update.

D phase: D(a, b) scored real, D(a, G(a)) scored fake (the pair is judged, not the output alone).
G phase: adversarial_weight * D(a, G(a)) scored real + l1_weight * |G(a) - b|_1.
With adversarial_weight = 0 no discriminator trains: the same network learns by L1 alone, the
baseline that shows what the adversarial loss adds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch.nn.functional as F
from torch import Tensor, nn

from ganforge.losses import ADVERSARIAL_LOSSES
from ganforge.objectives.phase import Phase


@dataclass(frozen=True)
class Pix2PixObjectiveConfig:
    """Losses of the pix2pix step (defaults: the paper's)."""

    loss: str = "non-saturating"  # adversarial loss; the paper's is the original (non-saturating) GAN loss
    l1_weight: float = 100.0  # lambda of |G(a) - b|_1
    adversarial_weight: float = 1.0  # 0: the L1-only baseline (no discriminator, no D phase)

    def __post_init__(self):
        ADVERSARIAL_LOSSES.get(self.loss)
        if self.l1_weight < 0 or self.adversarial_weight < 0:
            raise ValueError("l1_weight and adversarial_weight must be >= 0")


class Pix2PixObjective:
    """Phases D (when adversarial) and G of the `pix2pix` family; G reuses the D phase's outputs."""

    def __init__(self, config: Pix2PixObjectiveConfig, model_config: Any):
        self.config = config
        self.adversarial = ADVERSARIAL_LOSSES.get(config.loss)
        self.optimizers = {"generator": ("generator",), "discriminator": ("discriminator",)}
        generator = Phase("G", ("generator",), "generator")
        if config.adversarial_weight:
            # the D phase runs G with gradients and keeps its graph for the G phase: one G forward per step
            self.phases = (Phase("D", ("discriminator",), "discriminator", keeps=("generator",)), generator)
        else:
            self.phases = (generator,)
        self._kept: Tensor | None = None

    def loss(self, phase: Phase, networks: Mapping[str, nn.Module], batch: Any) -> tuple[Tensor, dict[str, Tensor]]:
        """The loss of one phase; `batch` is (inputs A, targets B)."""
        inputs, targets = batch
        if phase.name == "D":
            discriminator = networks["discriminator"]
            self._kept = networks["generator"](inputs)
            real, fake = discriminator(inputs, targets), discriminator(inputs, self._kept.detach())
            loss = self.adversarial.discriminator(real, fake)
            return loss, {"loss_D": loss.detach(), "D_real": real.detach().mean(), "D_fake": fake.detach().mean()}
        if phase.name == "G":
            outputs, self._kept = (self._kept, None) if self._kept is not None else (networks["generator"](inputs), None)
            l1 = F.l1_loss(outputs, targets)
            loss = self.config.l1_weight * l1
            stats = {"l1": l1.detach()}
            if self.config.adversarial_weight:
                adversarial = self.adversarial.generator(networks["discriminator"](inputs, outputs))
                loss = loss + self.config.adversarial_weight * adversarial
                stats["loss_G"] = adversarial.detach()
            return loss, stats
        raise ValueError(f"unknown phase {phase.name}")
