"""The CycleGAN step (Zhu et al. 2017): both generators in one update, then both discriminators.

G phase, for a batch a of A and b of B:
    adversarial  D_B(G_AB(a)) and D_A(G_BA(b)) scored as real (least squares)
    cycle        cycle_weight * (|G_BA(G_AB(a)) - a|_1 + |G_AB(G_BA(b)) - b|_1)
    identity     identity_weight * cycle_weight * (|G_AB(b) - b|_1 + |G_BA(a) - a|_1): keeps colours
    mask         mask_weight * the mean of each generator's attention mask on its real inputs
                 (model output = "attention" only): translate as little of the image as will pass
D phase: each discriminator sees real images of its domain and fakes drawn from a history pool of
the last `pool_size` generated images (Shrivastava et al. 2017), which damps oscillation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from ganforge.errors import GanforgeError
from ganforge.losses import ADVERSARIAL_LOSSES
from ganforge.objectives.phase import Phase, StepContext, adversarial_groups
from ganforge.objectives.spec import ObjectiveSpec


@dataclass(frozen=True)
class CycleGANObjectiveConfig:
    """Losses of the CycleGAN step (defaults: the paper's)."""

    loss: str = "least-squares"  # adversarial loss; least squares is the paper's choice
    cycle_weight: float = 10.0  # lambda of the cycle-consistency L1 loss, in both directions
    identity_weight: float = 0.5  # identity L1 weight as a fraction of cycle_weight; 0: off (needed when A, B differ in channels)
    pool_size: int = 50  # past fakes each discriminator may be shown again; 0: only the newest
    mask_weight: float = 0.0  # L1 on the attention masks (model output = "attention"); 0: off

    def __post_init__(self):
        ADVERSARIAL_LOSSES.get(self.loss)
        if min(self.cycle_weight, self.identity_weight, self.pool_size, self.mask_weight) < 0:
            raise ValueError("cycle_weight, identity_weight, pool_size and mask_weight must be >= 0")


class ImagePool:
    """A history of generated images: each query returns, per image, either the image itself or
    (with probability 1/2, once the pool is full) a stored older one that it replaces."""

    def __init__(self, size: int):
        self.size = size
        self.images: list[Tensor] = []

    def query(self, images: Tensor) -> Tensor:
        """A batch of the same shape mixing new and past images (draws from the global torch RNG)."""
        if self.size == 0:
            return images
        out = []
        for image in images.detach():
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif torch.rand(()) < 0.5:
                index = int(torch.randint(0, self.size, ()))
                out.append(self.images[index])
                self.images[index] = image
            else:
                out.append(image)
        return torch.stack(out)

    def state(self) -> Tensor | None:
        """The stored images (n, C, H, W), or None when empty: for checkpoints."""
        return torch.stack(self.images) if self.images else None

    def load(self, images: Tensor | None, device: torch.device | None = None) -> None:
        """Restore what state() returned."""
        self.images = [] if images is None else list(images.to(device).unbind(0))


class CycleGANObjective:
    """Phases G (both generators) and D (both discriminators) of the `cyclegan` family."""

    def __init__(self, config: CycleGANObjectiveConfig, model_config: Any):
        if config.identity_weight and model_config.channels_a != model_config.channels_b:
            raise GanforgeError(
                f"the identity loss needs as many channels in A as in B ({model_config.channels_a} vs "
                f"{model_config.channels_b}); set identity_weight = 0 in [objective]"
            )
        if config.mask_weight and model_config.output != "attention":
            raise GanforgeError(f"mask_weight = {config.mask_weight} weighs the attention masks, but this model's "
                                f"output is {model_config.output!r}; set [model] output = \"attention\" or drop "
                                "mask_weight")
        self.config = config
        self.adversarial = ADVERSARIAL_LOSSES.get(config.loss)
        self.optimizers = adversarial_groups(("generator_ab", "generator_ba"), ("discriminator_a", "discriminator_b"))
        self.phases = (Phase("G", self.optimizers["generator"].roles, "generator", self.generator_loss),
                       Phase("D", self.optimizers["discriminator"].roles, "discriminator", self.discriminator_loss))
        self.pools = {"a": ImagePool(config.pool_size), "b": ImagePool(config.pool_size)}

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Both generators: adversarial + cycle (+ identity); the fakes are kept, detached, for the D phase."""
        real_a, real_b = context.batch
        networks = context.networks
        g_ab, g_ba = networks["generator_ab"], networks["generator_ba"]
        (fake_b, mask_b), (fake_a, mask_a) = g_ab(real_a, with_mask=True), g_ba(real_b, with_mask=True)
        adversarial = (self.adversarial.generator(networks["discriminator_b"](fake_b))
                       + self.adversarial.generator(networks["discriminator_a"](fake_a)))
        cycle = F.l1_loss(g_ba(fake_b), real_a) + F.l1_loss(g_ab(fake_a), real_b)
        loss = adversarial + self.config.cycle_weight * cycle
        stats = {"loss_G": adversarial.detach(), "cycle": cycle.detach()}
        if self.config.identity_weight:
            identity = F.l1_loss(g_ab(real_b), real_b) + F.l1_loss(g_ba(real_a), real_a)
            loss = loss + self.config.identity_weight * self.config.cycle_weight * identity
            stats["identity"] = identity.detach()
        if mask_b is not None:
            mask = mask_a.mean() + mask_b.mean()
            loss = loss + self.config.mask_weight * mask
            stats["mask"] = mask.detach() / 2
        context.kept["fakes"] = {"a": fake_a.detach(), "b": fake_b.detach()}
        return loss, stats

    def discriminator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Both discriminators: real images against fakes drawn from the pools of past fakes."""
        fakes = context.kept.pop("fakes")
        losses = {}
        for domain, real in zip(("a", "b"), context.batch):
            discriminator = context.networks[f"discriminator_{domain}"]
            fake = self.pools[domain].query(fakes[domain])
            losses[domain] = self.adversarial.discriminator(discriminator(real), discriminator(fake))
        return losses["a"] + losses["b"], {"loss_D_A": losses["a"].detach(), "loss_D_B": losses["b"].detach()}

    def state_dict(self) -> dict[str, Tensor]:
        """The image pools, for exact resume."""
        return {f"pool_{domain}": images for domain, pool in self.pools.items()
                if (images := pool.state()) is not None}

    def load_state_dict(self, state: Mapping[str, Tensor], device: torch.device | None = None) -> None:
        """Restore the image pools."""
        for domain, pool in self.pools.items():
            pool.load(state.get(f"pool_{domain}"), device)

# what this module registers in ganforge.objectives.OBJECTIVES
DECLARED_OBJECTIVES = {"cyclegan": ObjectiveSpec(CycleGANObjectiveConfig, CycleGANObjective)}
