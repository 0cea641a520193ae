"""The StyleGAN2 step (Karras et al. 2020) as phases of the generic trainer:

  D      softplus(D(aug(G(z)))) + softplus(-D(aug(x)))                   (non-saturating loss)
  G      softplus(-D(aug(G(z)))), with style mixing: with probability p_mix a second z drives the
         layers from a random cut on
  D_r1   every r1_interval steps: r1_gamma / 2 * E ||grad D(aug(x))||^2 * r1_interval      (lazy R1)
  G_pl   every pl_interval steps: path-length regularisation, pl_weight * (|J_w^T y| - a)^2 *
         pl_interval, y ~ N(0, I) / sqrt(pixels), a the moving average (decay pl_decay) of the
         lengths, on batch / pl_batch_shrink samples
Generator EMA is the trainer's (train.ema_decay). Augmentation of everything D sees:
  "diffaugment"  DiffAugment's policy at every step (probability 1)
  "ada"          the same operations, each with probability p, adjusted every ada_interval steps
                 from the overfitting heuristic r_t = E[sign(D(real))]: p rises by
                 batch * ada_interval / (ada_speed_images) when r_t > ada_target, else falls.
The objective's state (the path-length average a, p and the running sign sum) is saved with every
checkpoint, so a resumed run continues exactly. Adam's lazy-regularisation correction of the
learning rate and betas (mb_ratio) is `lazy_adam = true`, off in the presets until they are measured
with it. Not done: ADA's geometric and filtering operations.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganforge.losses import r1_penalty
from ganforge.nn.augment import augment, parse_policy
from ganforge.objectives.phase import Phase, StepContext, adversarial_groups
from ganforge.objectives.spec import ObjectiveSpec

AUGMENTS = ("", "diffaugment", "ada")


@dataclass(frozen=True)
class StyleGAN2ObjectiveConfig:
    """Losses and regularisers of the StyleGAN2 step (defaults: config F's, except r1_gamma: set it
    for the resolution, about 0.0002 * resolution^2 / batch as in StyleGAN2-ADA's auto config)."""

    r1_gamma: float = 10.0  # R1 weight gamma (the penalty is gamma / 2 * ||grad||^2)
    r1_interval: int = 16  # lazy R1
    pl_weight: float = 2.0  # path-length regularisation; 0 turns it off
    pl_interval: int = 4
    pl_decay: float = 0.01  # moving average of the path lengths
    pl_batch_shrink: int = 2  # the path-length term uses batch / shrink samples
    style_mixing: float = 0.9  # probability of mixing two styles in a generated batch
    augment: str = ""  # "", "diffaugment" or "ada"
    augment_policy: str = "color,translation,cutout"
    ada_target: float = 0.6  # target of r_t = E[sign(D(real))]
    ada_interval: int = 4  # steps between adjustments of p
    ada_speed_images: int = 100_000  # images over which p may go from 0 to 1 (NVlabs: 500k)
    # Adam's lazy-regularisation correction (NVlabs' mb_ratio): the generator's lr x 4/5 and betas ** (4/5)
    # for pl_interval 4, the discriminator's by 16/17 for r1_interval 16. Off until the presets are measured with it
    lazy_adam: bool = False

    def __post_init__(self):
        if self.augment not in AUGMENTS:
            raise ValueError(f"augment must be \"\", \"diffaugment\" or \"ada\", not {self.augment!r}")
        parse_policy(self.augment_policy)
        if min(self.r1_interval, self.pl_interval, self.pl_batch_shrink, self.ada_interval) < 1:
            raise ValueError("r1_interval, pl_interval, pl_batch_shrink and ada_interval must be >= 1")
        if self.r1_gamma < 0 or self.pl_weight < 0 or not 0 <= self.style_mixing <= 1:
            raise ValueError("r1_gamma and pl_weight must be >= 0 and style_mixing in [0, 1]")


class StyleGAN2Objective:
    """Phases D, G, D_r1 (lazy) and G_pl (lazy) for the `stylegan2` family."""

    def __init__(self, config: StyleGAN2ObjectiveConfig, model_config: Any):
        self.config = config
        self.optimizers = adversarial_groups()
        if config.lazy_adam:
            ratios = {"generator": config.pl_interval / (config.pl_interval + 1) if config.pl_weight > 0 else 1.0,
                      "discriminator": config.r1_interval / (config.r1_interval + 1) if config.r1_gamma > 0 else 1.0}
            self.optimizers = {name: dataclasses.replace(group, ratio=ratios[name])
                               for name, group in self.optimizers.items()}
        self.policy = parse_policy(config.augment_policy) if config.augment else ()
        phases = [Phase("D", ("discriminator",), "discriminator", self.discriminator_loss),
                  Phase("G", ("generator",), "generator", self.generator_loss)]
        if config.r1_gamma > 0:
            phases.append(Phase("D_r1", ("discriminator",), "discriminator", self.r1_loss, config.r1_interval))
        if config.pl_weight > 0:
            phases.append(Phase("G_pl", ("generator",), "generator", self.path_length_loss, config.pl_interval))
        self.phases = tuple(phases)
        self.pl_mean = torch.zeros(())
        self.ada_p = torch.zeros(())  # augmentation probability (ada)
        self.ada_signs = torch.zeros(2)  # running (sum of sign(D(real)), count) since the last adjustment
        self._steps_seen = 0

    # --- state saved in checkpoints ---------------------------------------------------------------
    def state_dict(self) -> dict[str, Tensor]:
        """Tensors to resume exactly."""
        return {"pl_mean": self.pl_mean, "ada_p": self.ada_p, "ada_signs": self.ada_signs,
                "steps_seen": torch.tensor(self._steps_seen)}

    def load_state_dict(self, state: Mapping[str, Tensor], device: torch.device | None = None) -> None:
        """Restore what state_dict() saved."""
        self.pl_mean = state["pl_mean"].detach().cpu().clone()
        self.ada_p = state["ada_p"].detach().cpu().clone()
        self.ada_signs = state["ada_signs"].detach().cpu().clone()
        self._steps_seen = int(state["steps_seen"])

    # --- pieces -----------------------------------------------------------------------------------
    @property
    def augment_probability(self) -> float:
        """p of the current step: 1 for DiffAugment, the adapted p for ADA, 0 without augmentation."""
        return {"": 0.0, "diffaugment": 1.0, "ada": float(self.ada_p)}[self.config.augment]

    def _augment(self, images: Tensor) -> Tensor:
        probability = self.augment_probability
        return augment(images, self.policy, probability) if probability > 0 else images

    def _ws(self, generator: nn.Module, count: int, device: torch.device) -> Tensor:
        """Latents per layer, two styles mixed at a random cut with probability style_mixing."""
        ws = generator.ws(generator.sample_latent(count, device=device))
        if self.config.style_mixing > 0 and torch.rand(()) < self.config.style_mixing:
            cut = int(torch.randint(1, generator.num_ws, ()))
            ws = generator.mix(ws, generator.ws(generator.sample_latent(count, device=device)), cut)
        return ws

    def _fakes(self, generator: nn.Module, count: int, device: torch.device) -> Tensor:
        return generator.synthesis(self._ws(generator, count, device))

    def _adapt(self, real_logits: Tensor, batch: int, all_reduce=lambda t: t) -> None:
        """ADA: accumulate sign(D(real)) over all processes; every ada_interval steps move p towards the target r_t."""
        signs = torch.stack([real_logits.detach().sign().sum(), torch.tensor(float(batch), device=real_logits.device)])
        self.ada_signs += all_reduce(signs).cpu()
        self._steps_seen += 1
        if self._steps_seen % self.config.ada_interval:
            return
        r_t = self.ada_signs[0] / self.ada_signs[1].clamp(min=1)
        adjust = torch.sign(r_t - self.config.ada_target) * self.ada_signs[1] / self.config.ada_speed_images
        self.ada_p = (self.ada_p + adjust).clamp(0, 1)
        self.ada_signs = torch.zeros(2)

    # --- the phases -------------------------------------------------------------------------------
    # the generator's mapping and synthesis are called directly: with no DistributedDataParallel
    # wrapper in the way (the trainer averages gradients itself), every parameter used gets its
    # gradient synchronised, whichever submodule computed it
    def discriminator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """D: non-saturating loss on augmented reals and fakes; ADA adapts p from the real logits."""
        discriminator, real = context.networks["discriminator"], context.batch[0]
        count, device = real.shape[0], real.device
        with torch.no_grad():
            fake = self._fakes(context.networks["generator"], count, device)
        real_logits = discriminator(self._augment(real))
        fake_logits = discriminator(self._augment(fake))
        loss = F.softplus(fake_logits).mean() + F.softplus(-real_logits).mean()
        stats = {"loss_D": loss.detach(), "D_real": real_logits.detach().mean(), "D_fake": fake_logits.detach().mean()}
        if self.config.augment == "ada":
            self._adapt(real_logits, count, context.all_reduce)
            stats["augment_p"] = self.ada_p.clone()
        return loss, stats

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """G: non-saturating loss on augmented fakes (styles mixed with probability style_mixing)."""
        real = context.batch[0]
        fake = self._fakes(context.networks["generator"], real.shape[0], real.device)
        loss = F.softplus(-context.networks["discriminator"](self._augment(fake))).mean()
        return loss, {"loss_G": loss.detach()}

    def r1_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Lazy R1 on augmented reals, weighted by its interval."""
        augmented = self._augment(context.batch[0].detach()).requires_grad_(True)
        penalty = r1_penalty(context.networks["discriminator"](augmented), augmented)
        return self.config.r1_gamma / 2 * penalty * self.config.r1_interval, {"r1": penalty.detach()}

    def path_length_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Lazy path-length regularisation on batch / pl_batch_shrink samples, weighted by its interval;
        the moving average a follows the mean length over all processes."""
        generator, real = context.networks["generator"], context.batch[0]
        count, device = max(1, real.shape[0] // self.config.pl_batch_shrink), real.device
        ws = self._ws(generator, count, device)
        if not ws.requires_grad:  # mapping_layers = 0: w is z itself
            ws = ws.detach().requires_grad_(True)
        images = generator.synthesis(ws)
        noise = torch.randn_like(images) / math.sqrt(images.shape[2] * images.shape[3])
        (grad,) = torch.autograd.grad((images * noise).sum(), ws, create_graph=True)
        lengths = grad.float().square().sum(2).mean(1).sqrt()  # fp32 statistics under autocast too
        mean_length = context.all_reduce(lengths.detach().mean()) / context.world_size
        self.pl_mean = self.pl_mean.lerp(mean_length.cpu(), self.config.pl_decay)
        penalty = (lengths - self.pl_mean.to(device)).square().mean()
        return self.config.pl_weight * penalty * self.config.pl_interval, {"path_length": lengths.detach().mean(),
                                                                           "pl_penalty": penalty.detach()}

# what this module registers in ganforge.objectives.OBJECTIVES
DECLARED_OBJECTIVES = {"stylegan2": ObjectiveSpec(StyleGAN2ObjectiveConfig, StyleGAN2Objective)}
