"""The step of MoCoGAN (Tulyakov et al. 2018): one update of both discriminators, one of the generator.

The image discriminator scores `frames_judged` frames of each clip (the same randomly picked frames of the
real and the generated clips of a step), the video discriminator whole clips; each has the non-saturating
loss, and the video term is weighted by `video_weight` (0: the video discriminator is built but never heard,
so nothing asks the frames of a clip to move as real clips do: the ablation that shows what it adds).
The G update scores the fakes the D update just drew (their graph kept), as the dcgan family's step does.

Both critics see every clip, real or generated, through the same random DiffAugment transformations (Zhao et
al. 2020; nn/augment.py), one draw per clip applied to all its frames alike (so motion is untouched):
translation and cutout by default. Without them the critics won within a few hundred steps (losses near
0.003) and the generator collapsed, with global or patch scores alike (docs/video.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from ganforge.losses import ADVERSARIAL_LOSSES, gradient_penalty
from ganforge.nn.augment import augment, parse_policy
from ganforge.objectives.phase import Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.objectives.spec import ObjectiveSpec

DISCRIMINATORS = ("image_discriminator", "video_discriminator")


@dataclass(frozen=True)
class MoCoGANObjectiveConfig:
    """Losses of the MoCoGAN step."""

    video_weight: float = 1.0  # weight of the video discriminator's term, in both updates
    image_weight: float = 1.0  # weight of the image discriminator's term
    augment_policy: str = "translation,cutout"  # DiffAugment per clip ("" turns it off; no "color": it mixes frames)
    loss: str = "non-saturating"  # the adversarial loss of both critics (losses.ADVERSARIAL_LOSSES: hinge, wgan-gp ...)
    gradient_penalty_weight: float = 10.0  # wgan-gp only: each critic's gradient penalty (Gulrajani et al. 2017)
    critic_steps: int = 1  # critics' updates per generator update (WGAN-GP's n_critic: 5)
    # a curriculum: the video discriminator is silent (neither trained nor heard) before this step, so the
    # frames first become digits under the image discriminator alone (docs/video.md)
    video_start: int = 0
    # the video critic sees every clip, real or generated, through a Gaussian blur of this std (pixels, per frame;
    # 0: none), so it judges where the ink moves rather than how the digits are drawn: with the digits drawn by a
    # frozen image GAN (frame_generator "layers", freeze_sprites), the generator can change only the motion, and a
    # critic that told its digits from real ones won outright within 1,000 steps while the motion drifted away from
    # real clips' (docs/video.md)
    video_blur: float = 0.0

    def __post_init__(self):
        if self.augment_policy:
            parse_policy(self.augment_policy)  # an unknown name fails here, naming the known ones
        if "color" in self.augment_policy:
            raise ValueError("augment_policy: color would blend a clip's frames (saturation mixes channels); use "
                             "translation and cutout")
        ADVERSARIAL_LOSSES.get(self.loss)  # an unknown name fails here, naming the known ones
        if self.critic_steps < 1 or self.gradient_penalty_weight < 0 or self.video_start < 0 or self.video_blur < 0:
            raise ValueError("critic_steps must be >= 1, gradient_penalty_weight, video_start and video_blur >= 0")
        if self.video_weight < 0 or self.image_weight < 0 or not (self.video_weight or self.image_weight):
            raise ValueError("video_weight and image_weight must be >= 0, not both 0")
        if not self.image_weight and self.video_start:
            raise ValueError("image_weight 0 with video_start > 0 would train nothing before video_start: set "
                             "video_start = 0 or give the image critic a weight")


class MoCoGANObjective(StatelessObjective):
    """Phases D (both discriminators) and G."""

    def __init__(self, config: MoCoGANObjectiveConfig, model_config: Any):
        self.config = config
        self.frames, self.judged = model_config.frames, model_config.frames_judged
        self.loss = ADVERSARIAL_LOSSES.get(config.loss)
        self.policy = parse_policy(config.augment_policy) if config.augment_policy else ()
        self.optimizers = adversarial_groups(("generator",), DISCRIMINATORS)
        # the G phase, every critic_steps-th step, scores the fakes of that step's D phase (G has not changed since)
        self.phases = (Phase("D", DISCRIMINATORS, "discriminator", self.discriminator_loss, keeps=("generator",)),
                       Phase("G", ("generator",), "generator", self.generator_loss, interval=config.critic_steps))

    def _frames(self, step: int, device: torch.device) -> Tensor:
        """The frames the image discriminator judges at `step`: a permutation seeded by the step (so a
        resumed run picks the same ones), its first frames_judged, in order."""
        order = torch.randperm(self.frames, generator=torch.Generator().manual_seed(step))
        return order[: self.judged].sort().values.to(device)

    def _augment(self, clips: Tensor) -> Tensor:
        """Clips (B, C, T, H, W) through one DiffAugment draw each, the same for all of a clip's frames."""
        if not self.policy:
            return clips
        count, channels, frames, height, width = clips.shape
        flat = augment(clips.reshape(count, channels * frames, height, width), self.policy)
        return flat.reshape(count, channels, frames, height, width)

    def _video_critic(self, networks, clips: Tensor) -> Tensor:
        """The video discriminator's scores of clips (B, C, T, H, W), seen through the blur (video_blur)."""
        sigma = self.config.video_blur
        if sigma:
            radius = max(1, round(3 * sigma))
            offsets = torch.arange(-radius, radius + 1, device=clips.device, dtype=torch.float32)
            kernel = torch.exp(-0.5 * (offsets / sigma) ** 2)
            kernel = (kernel / kernel.sum()).to(clips.dtype)
            count, channels, frames, height, width = clips.shape
            flat = clips.reshape(count * channels * frames, 1, height, width)
            # zero-padded after shifting to [0, 2] so the black border (-1) stays black
            flat = torch.nn.functional.conv2d(flat + 1, kernel.view(1, 1, 1, -1), padding=(0, radius))
            flat = torch.nn.functional.conv2d(flat, kernel.view(1, 1, -1, 1), padding=(radius, 0)) - 1
            clips = flat.reshape(count, channels, frames, height, width)
        return networks["video_discriminator"](clips)

    def _video_weight(self, step: int) -> float:
        """The video discriminator's weight at `step`: 0 before video_start (the curriculum)."""
        return self.config.video_weight if step >= self.config.video_start else 0.0

    def _scores(self, context: StepContext, clips: Tensor, frames: Tensor,
                video: bool) -> tuple[Tensor | None, Tensor | None]:
        """(image scores, video scores), each None when that discriminator is silent (weight 0): a silent critic
        is not run at all (the moving-mnist preset's image critic)."""
        clips = self._augment(clips)
        networks = context.networks
        return (networks["image_discriminator"](clips, frames) if self.config.image_weight else None,
                self._video_critic(networks, clips) if video else None)

    def discriminator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """Real clips and frames scored real, generated ones fake, by each discriminator."""
        real = context.batch[0]
        generator, networks = context.networks["generator"], context.networks
        fake = context.kept["fakes"] = generator(generator.sample_latent(real.shape[0], device=real.device))
        frames = context.kept["frames"] = self._frames(context.step, real.device)
        video_weight = self._video_weight(context.step)
        real_image, real_video = self._scores(context, real, frames, video_weight > 0)
        fake_image, fake_video = self._scores(context, fake.detach(), frames, video_weight > 0)
        loss, stats = real.new_zeros(()), {}
        penalty = self.loss.needs_gradient_penalty  # on clips between real and fake: each critic's mean score per clip
        if penalty:
            real_seen, fake_seen = self._augment(real), self._augment(fake.detach())
        if self.config.image_weight:
            image = self.loss.discriminator(real_image, fake_image)
            stats["loss_D_image"] = image.detach()
            if penalty:
                image_penalty = gradient_penalty(lambda x: networks["image_discriminator"](x, frames).reshape(
                    len(x), -1).mean(1), real_seen, fake_seen)
                image = image + self.config.gradient_penalty_weight * image_penalty
                stats["gradient_penalty_image"] = image_penalty.detach()
            loss = self.config.image_weight * image
        if video_weight:
            video = self.loss.discriminator(real_video, fake_video)
            stats.update(loss_D_video=video.detach(), D_video_real=real_video.detach().mean(),
                         D_video_fake=fake_video.detach().mean())
            if penalty:
                video_penalty = gradient_penalty(
                    lambda x: self._video_critic(networks, x).reshape(len(x), -1).mean(1), real_seen, fake_seen)
                video = video + self.config.gradient_penalty_weight * video_penalty
                stats["gradient_penalty_video"] = video_penalty.detach()
            loss = loss + video_weight * video
        return loss, stats

    def generator_loss(self, context: StepContext) -> tuple[Tensor, dict[str, Tensor]]:
        """The D phase's fakes scored real by both discriminators (the image one alone before video_start)."""
        fake, frames = context.kept.pop("fakes"), context.kept.pop("frames")
        video_weight = self._video_weight(context.step)
        fake_image, fake_video = self._scores(context, fake, frames, video_weight > 0)
        loss, stats = fake.new_zeros(()), {}
        if self.config.image_weight:
            image = self.loss.generator(fake_image)
            loss, stats = self.config.image_weight * image, {"loss_G_image": image.detach()}
        if video_weight:
            video = self.loss.generator(fake_video)
            loss = loss + video_weight * video
            stats["loss_G_video"] = video.detach()
        return loss, stats

# what this module registers in ganforge.objectives.OBJECTIVES
DECLARED_OBJECTIVES = {"mocogan": ObjectiveSpec(MoCoGANObjectiveConfig, MoCoGANObjective)}
