"""Presets of the mocogan family: Moving MNIST clips."""

from __future__ import annotations

import dataclasses

from ganforge.models import mocogan
from ganforge.objectives.mocogan import MoCoGANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# video (issue 50): clips of two real MNIST digits moving (data/moving_mnist.py), 16 frames of 64x64.
# The MoCoGAN of the paper (one dcgan image generator per frame) collapsed to one content for every clip in every
# CPU run (docs/video.md), so the default is MoCoGAN-HD's recipe on a layered frame generator: the digits are drawn
# once per clip by the shipped mnist-gan, frozen, and only the motion (GRU, start places, velocities) is learned
# against the video critic, which sees the clips blurred (3 px) so that it judges where the ink moves, not how
# the frozen digits are drawn; the image critic is silent (image_weight 0): with the digits frozen it could judge
# nothing the generator can change. Without the blur both critics won outright within 1,000 steps and the motion
# drifted away from real clips' (6,000 steps: 6.0 px a frame against 3.4; docs/video.md). Critics without
# normalisation, one score per frame or clip, no instance noise, no DiffAugment (each mattered in docs/video.md).
# The digits start at rest (speed_prior 0): the speeds and bounces the clips show are what the video critic taught
# (from rest to 3.2 px a frame and real clips' 5.4 bounces in 3,000 steps; docs/video.md), not a prior of ours.
_LAYERED_MODEL = mocogan.MoCoGANConfig(
    frame_generator="layers", content_dim=200, freeze_sprites=True, speed_prior=0.0,
    image_discriminator_channels=(32, 64, 128, 256), video_discriminator_channels=(16, 32, 64, 128),
    critic_norm="none", critic_scores="global", discriminator_noise=0.0)
_LAYERED_OBJECTIVE = MoCoGANObjectiveConfig(augment_policy="", video_blur=3.0, image_weight=0.0)
_LAYERED_TRAIN = TrainConfig(steps=3000, batch_size=16, sample_every=250, checkpoint_every=250,
                             init_generator="mnist-gan")
# the paper's MoCoGAN at half the faces' widths: at the full widths one step of 16 clips took 2.5 s fp32 / 1.2 s bf16
# on a Xeon core, at half 0.76 / 0.40 s (forward and backward of G and both critics on the fakes; a one-off timing)
_VIDEO_MODEL = mocogan.MoCoGANConfig(generator_channels=(128, 64, 32, 16), image_discriminator_channels=(16, 32, 64, 128),
                                     video_discriminator_channels=(16, 32, 64, 128))
_VIDEO_TRAIN = TrainConfig(steps=6000, batch_size=16, sample_every=250, checkpoint_every=250)
PRESETS.register(
    "moving-mnist",
    Preset(
        "video: clips of two real MNIST digits moving (moving-mnist, 16 frames of 64x64). Layered MoCoGAN-HD: the "
        "shipped mnist-gan draws each clip's two digits once (frozen), a GRU moves them from rest, taught by a "
        "video (3-D convolution) discriminator on blurred clips. `ganforge animate` writes GIFs",
        RunConfig("mocogan", "moving-mnist", _LAYERED_MODEL, _LAYERED_OBJECTIVE, _LAYERED_TRAIN, "moving-mnist"),
    ),
)
PRESETS.register(
    "moving-mnist-frames",
    Preset(
        "the moving-mnist preset with the image critic heard instead of the video critic (image_weight 1, "
        "video_weight 0): frames judged one by one, nothing asks them to move as real clips do (an ablation)",
        RunConfig("mocogan", "moving-mnist", _LAYERED_MODEL,
                  dataclasses.replace(_LAYERED_OBJECTIVE, video_weight=0.0, image_weight=1.0),
                  _LAYERED_TRAIN, "moving-mnist-frames"),
    ),
)
PRESETS.register(
    "moving-mnist-mocogan",
    Preset(
        "the paper's MoCoGAN on moving-mnist (one image generator per frame, fed the clip's content and the "
        "frame's motion code), trained from scratch: it collapsed in every CPU run of docs/video.md; kept to compare",
        RunConfig("mocogan", "moving-mnist", _VIDEO_MODEL, MoCoGANObjectiveConfig(), _VIDEO_TRAIN, "moving-mnist-mocogan"),
    ),
)
