"""The steps of the anomaly families (ganforge.models.anomaly), trained on normal images only:

  ganomaly     G: w_adv |f(x) - f(x_hat)|^2 (D's features, feature matching) + w_con |x - x_hat|_1
                  + w_enc |z - z_hat|^2;  D: real x against x_hat (binary cross-entropy)
               (Akcay et al. 2018: w_adv 1, w_con 50, w_enc 1)
  autoencoder  G: mean (x - x_hat)^2
  deep-svdd    G: mean |phi(x) - c|^2, with c the mean phi of the first batch (no gradient), each
               coordinate pushed to at least `center_eps` from 0 (Ruff et al. 2018: a c at 0 would
               let a bias-free phi map everything onto it)
  fanogan      two stages (Schlegl et al. 2019). Steps before `gan_steps`: WGAN-GP on the normal
               images, D every step, G every `critic_steps`-th; from `gan_steps` on: the encoder E
               alone, G and D fixed, on izi_f = mean (x - G(E(x)))^2 + kappa mean (f(x) - f(G(E(x))))^2,
               the very residual the score uses
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from ganforge.losses.regularizers import gradient_penalty
from ganforge.models.anomaly import izi_f
from ganforge.objectives.phase import OptimizerGroup, Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.objectives.spec import ObjectiveSpec


@dataclass(frozen=True)
class GANomalyObjectiveConfig:
    """Loss weights of GANomaly (the paper's)."""

    adversarial_weight: float = 1.0  # feature matching against the discriminator
    reconstruction_weight: float = 50.0  # |x - x_hat|_1
    encoder_weight: float = 1.0  # |z - z_hat|^2: what the anomaly score measures

    def __post_init__(self):
        if min(self.adversarial_weight, self.reconstruction_weight, self.encoder_weight) < 0:
            raise ValueError("the loss weights must be >= 0")


@dataclass(frozen=True)
class AutoencoderObjectiveConfig:
    """The autoencoder learns by reconstruction alone: nothing to set."""


@dataclass(frozen=True)
class DeepSVDDObjectiveConfig:
    """One-class Deep SVDD."""

    center_eps: float = 0.1  # each coordinate of c is at least this far from 0

    def __post_init__(self):
        if self.center_eps < 0:
            raise ValueError("center_eps must be >= 0")


@dataclass(frozen=True)
class FAnoGANObjectiveConfig:
    """f-AnoGAN's two stages."""

    gan_steps: int = 2000  # steps of the WGAN-GP stage; the encoder trains on the steps after it
    critic_steps: int = 5  # D updates per G update (WGAN-GP's n_critic)
    gradient_penalty_weight: float = 10.0

    def __post_init__(self):
        if self.gan_steps < 1 or self.critic_steps < 1 or self.gradient_penalty_weight < 0:
            raise ValueError("gan_steps and critic_steps must be >= 1, gradient_penalty_weight >= 0")


GENERATOR_ONLY = {"generator": OptimizerGroup(("generator",), "generator")}


class GANomalyObjective(StatelessObjective):
    """Phases G then D (D scores the reconstructions G just made, kept detached)."""

    def __init__(self, config: GANomalyObjectiveConfig, model_config: Any):
        self.config = config
        self.optimizers = adversarial_groups()
        self.phases = (Phase("G", ("generator",), "generator", self.generator_loss),
                       Phase("D", ("discriminator",), "discriminator", self.discriminator_loss))

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Feature matching + reconstruction + latent consistency."""
        images = context.batch[0]
        z, reconstruction, z_hat = context.networks["generator"](images)
        critic = context.networks["discriminator"]
        adversarial = F.mse_loss(critic(reconstruction)[0], critic(images)[0].detach())
        reconstruction_error = F.l1_loss(reconstruction, images)
        latent = F.mse_loss(z_hat, z)
        c = self.config
        loss = c.adversarial_weight * adversarial + c.reconstruction_weight * reconstruction_error + c.encoder_weight * latent
        context.kept["reconstruction"] = reconstruction.detach()
        return loss, {"loss_G": adversarial.detach(), "l1": reconstruction_error.detach(), "latent": latent.detach()}

    def discriminator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Real images against the G phase's reconstructions."""
        critic = context.networks["discriminator"]
        real = critic(context.batch[0])[1]
        fake = critic(context.kept.pop("reconstruction"))[1]
        loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
        return loss, {"loss_D": loss.detach(), "D_real": real.detach().mean(), "D_fake": fake.detach().mean()}


class AutoencoderObjective(StatelessObjective):
    """One phase: reconstruction."""

    def __init__(self, config: AutoencoderObjectiveConfig, model_config: Any):
        self.config = config
        self.optimizers = GENERATOR_ONLY
        self.phases = (Phase("G", ("generator",), "generator", self.reconstruction_loss),)

    def reconstruction_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Mean squared reconstruction error."""
        images = context.batch[0]
        loss = F.mse_loss(context.networks["generator"](images)[1], images)
        return loss, {"mse": loss.detach()}


class DeepSVDDObjective(StatelessObjective):
    """One phase: pull phi(x) of normal images towards the centre c (set from the first batch)."""

    def __init__(self, config: DeepSVDDObjectiveConfig, model_config: Any):
        self.config = config
        self.optimizers = GENERATOR_ONLY
        self.phases = (Phase("G", ("generator",), "generator", self.distance_loss),)

    @torch.no_grad()
    def _set_center(self, encoder, images: Tensor, context: StepContext) -> None:
        center = context.all_reduce(encoder(images).mean(0)) / context.world_size  # the same c on every process
        eps = self.config.center_eps
        center = torch.where(center.abs() < eps, torch.where(center < 0, -eps, eps), center)
        encoder.center.copy_(center)
        encoder.center_set.fill_(True)

    def distance_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Mean squared distance of phi(x) to c."""
        encoder, images = context.networks["generator"], context.batch[0]
        if not bool(encoder.center_set):
            self._set_center(encoder, images, context)
        loss = (encoder(images) - encoder.center).square().sum(1).mean()
        return loss, {"distance": loss.detach()}


class FAnoGANObjective(StatelessObjective):
    """Phases D and G (WGAN-GP) until gan_steps, then E (izi_f) with G and D fixed."""

    def __init__(self, config: FAnoGANObjectiveConfig, model_config: Any):
        self.config = config
        self.kappa = model_config.feature_weight
        self.optimizers = {**adversarial_groups(), "encoder": OptimizerGroup(("encoder",), "generator")}
        self.phases = (
            Phase("D", ("discriminator",), "discriminator", self.critic_loss, stop=config.gan_steps),
            Phase("G", ("generator",), "generator", self.generator_loss, config.critic_steps, stop=config.gan_steps),
            Phase("E", ("encoder",), "encoder", self.encoder_loss, start=config.gan_steps),
        )

    def critic_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """WGAN-GP: E[D(fake)] - E[D(real)] + the gradient penalty."""
        real = context.batch[0]
        generator, critic = context.networks["generator"], context.networks["discriminator"]
        with torch.no_grad():
            fake = generator(generator.sample_latent(len(real), device=real.device))
        real_score, fake_score = critic(real)[1], critic(fake)[1]
        penalty = gradient_penalty(lambda x: critic(x)[1], real, fake)
        distance = real_score.mean() - fake_score.mean()
        loss = -distance + self.config.gradient_penalty_weight * penalty
        return loss, {"loss_D": loss.detach(), "wasserstein": distance.detach(), "gradient_penalty": penalty.detach()}

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """-E[D(G(z))]."""
        real = context.batch[0]
        generator = context.networks["generator"]
        fake = generator(generator.sample_latent(len(real), device=real.device))
        loss = -context.networks["discriminator"](fake)[1].mean()
        return loss, {"loss_G": loss.detach()}

    def encoder_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """izi_f, through the fixed G and D to E. G runs in eval mode: its batch-norm statistics stay those
        of the GAN stage, as the score will use them."""
        generator = context.networks["generator"]
        generator.eval()
        try:
            loss = izi_f(context.networks, context.batch[0], self.kappa).mean()
        finally:
            generator.train()
        return loss, {"izi_f": loss.detach()}

# what this module registers in ganforge.objectives.OBJECTIVES
DECLARED_OBJECTIVES = {
    "ganomaly": ObjectiveSpec(GANomalyObjectiveConfig, GANomalyObjective),
    "autoencoder": ObjectiveSpec(AutoencoderObjectiveConfig, AutoencoderObjective),
    "deep-svdd": ObjectiveSpec(DeepSVDDObjectiveConfig, DeepSVDDObjective),
    "fanogan": ObjectiveSpec(FAnoGANObjectiveConfig, FAnoGANObjective),
}
