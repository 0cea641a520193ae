"""The step of a (conditional) GAN: a discriminator update, a generator update, and an optional
lazy R1 regulariser with its own interval (as in StyleGAN2). With `augment="diffaugment"` every image
the discriminator sees, real or fake, in every phase, goes through the same kind of differentiable
random transformation first (DiffAugment, Zhao et al. 2020: the few-shot remedy, see nn/augment.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganforge.losses import ADVERSARIAL_LOSSES, gradient_penalty, r1_penalty
from ganforge.nn.augment import augment, parse_policy
from ganforge.objectives.phase import Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.objectives.spec import ObjectiveSpec


@dataclass(frozen=True)
class GANObjectiveConfig:
    """Losses of the GAN step."""

    loss: str = "non-saturating"  # "non-saturating", "hinge", "least-squares" or "wgan-gp"
    gradient_penalty_weight: float = 10.0  # used by "wgan-gp" only
    r1_weight: float = 0.0  # weight gamma/2 of the R1 penalty on real images; 0 turns it off
    r1_interval: int = 16  # steps between R1 updates (lazy regularisation); the penalty is scaled by it
    # the G update scores the very fakes the D update just saw (as the DCGAN paper's code and
    # pytorch/examples do) instead of drawing new ones: one generator forward pass less per step
    reuse_fakes: bool = True
    # AC-GAN (Odena et al. 2017): weight of a cross-entropy on the discriminator's class head, which
    # learns to name the class of real images while the generator learns to make fakes it names as
    # the asked class; 0 turns it off (the projection alone conditions). Needs auxiliary_classifier
    classifier_weight: float = 0.0
    # "" or "diffaugment": the policy's transformations applied to every image the discriminator sees
    augment: str = ""
    augment_policy: str = "color,translation,cutout"

    def __post_init__(self):
        ADVERSARIAL_LOSSES.get(self.loss)  # fails early, naming the valid losses
        if self.r1_interval < 1:
            raise ValueError("r1_interval must be >= 1")
        if self.classifier_weight < 0:
            raise ValueError("classifier_weight must be >= 0")
        if self.augment not in ("", "diffaugment"):
            raise ValueError(f"augment must be \"\" or \"diffaugment\", not {self.augment!r}")
        parse_policy(self.augment_policy)


class GANObjective(StatelessObjective):
    """Phases D, G (and D_r1 when r1_weight > 0) for the `dcgan` family."""

    def __init__(self, config: GANObjectiveConfig, model_config: Any):
        self.config = config
        self.optimizers = adversarial_groups()
        self.adversarial = ADVERSARIAL_LOSSES.get(config.loss)
        self.num_classes = model_config.num_classes
        self.reuse_fakes = config.reuse_fakes
        self.classifier_weight = config.classifier_weight
        self.policy = parse_policy(config.augment_policy) if config.augment else ()
        if self.classifier_weight and not getattr(model_config, "auxiliary_classifier", False):
            raise ValueError("classifier_weight > 0 needs a model with auxiliary_classifier=True "
                             "(--set model.auxiliary_classifier=true)")
        keeps = ("generator",) if config.reuse_fakes else ()
        phases = [Phase("D", ("discriminator",), "discriminator", self.discriminator_loss, keeps=keeps),
                  Phase("G", ("generator",), "generator", self.generator_loss)]
        if config.r1_weight > 0:
            phases.append(Phase("D_r1", ("discriminator",), "discriminator", self.r1_loss, config.r1_interval))
        self.phases = tuple(phases)

    def _augment(self, images: Tensor) -> Tensor:
        """What the discriminator sees: the images, through DiffAugment's policy when it is on."""
        return augment(images, self.policy) if self.policy else images

    def _fakes(self, generator: nn.Module, count: int, device: torch.device) -> tuple[Tensor, Tensor | None]:
        z = generator.sample_latent(count, device=device)
        labels = torch.randint(0, self.num_classes, (count,), device=device) if self.num_classes else None
        return generator(z, labels), labels

    def discriminator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """D: real images scored real, fakes scored fake (plus the gradient penalty for wgan-gp)."""
        generator, discriminator = context.networks["generator"], context.networks["discriminator"]
        real, real_labels = context.batch
        if self.reuse_fakes:  # built with gradients: the G phase backpropagates through them
            fake, fake_labels = context.kept["fakes"] = self._fakes(generator, real.shape[0], real.device)
            fake = fake.detach()
        else:
            with torch.no_grad():
                fake, fake_labels = self._fakes(generator, real.shape[0], real.device)
        real, fake = self._augment(real), self._augment(fake)
        fake_logits = discriminator(fake, fake_labels)
        if self.classifier_weight:  # the class head learns from real images only: fakes would teach it their errors
            real_logits, real_classes = discriminator(real, real_labels, with_classes=True)
        else:
            real_logits = discriminator(real, real_labels)
        loss = self.adversarial.discriminator(real_logits, fake_logits)
        stats = {"loss_D": loss.detach(), "D_real": real_logits.detach().mean(), "D_fake": fake_logits.detach().mean()}
        if self.classifier_weight:
            classification = F.cross_entropy(real_classes, real_labels)
            loss = loss + self.classifier_weight * classification
            stats["D_class"] = classification.detach()
        if self.adversarial.needs_gradient_penalty:
            penalty = gradient_penalty(lambda x: discriminator(x, real_labels), real, fake)
            loss = loss + self.config.gradient_penalty_weight * penalty
            stats["gradient_penalty"] = penalty.detach()
        return loss, stats

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """G: its fakes (the D phase's, when kept) scored real."""
        real = context.batch[0]
        fake, fake_labels = context.kept.pop("fakes", None) or self._fakes(
            context.networks["generator"], real.shape[0], real.device)
        discriminator = context.networks["discriminator"]
        fake = self._augment(fake)
        if not self.classifier_weight:
            loss = self.adversarial.generator(discriminator(fake, fake_labels))
            return loss, {"loss_G": loss.detach()}
        logits, classes = discriminator(fake, fake_labels, with_classes=True)
        adversarial, classification = self.adversarial.generator(logits), F.cross_entropy(classes, fake_labels)
        return adversarial + self.classifier_weight * classification, {
            "loss_G": adversarial.detach(), "G_class": classification.detach()}

    def r1_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Lazy R1 on real images: applied every r1_interval steps, so weighted by the interval."""
        real, real_labels = context.batch
        real = self._augment(real.detach()).requires_grad_(True)
        penalty = r1_penalty(context.networks["discriminator"](real, real_labels), real)
        return self.config.r1_weight * self.config.r1_interval * penalty, {"r1": penalty.detach()}

# what this module registers in ganforge.objectives.OBJECTIVES: the GAN step of the dcgan family, which the 1-D
# wavegan family reuses (D then G, one adversarial loss, WGAN-GP in its preset; the step is shape-agnostic)
DECLARED_OBJECTIVES = {
    "dcgan": ObjectiveSpec(GANObjectiveConfig, GANObjective),
    "wavegan": ObjectiveSpec(GANObjectiveConfig, GANObjective),
}
