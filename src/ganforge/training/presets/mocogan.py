"""Presets of the mocogan family: Moving MNIST clips."""

from __future__ import annotations

from ganforge.models import mocogan
from ganforge.objectives.mocogan import MoCoGANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# video (issue 50): MoCoGAN on Moving MNIST clips made on the fly from real digits (data/moving_mnist.py),
# 16 frames of 64x64; the frame generator and image critic are the dcgan family's at half the faces' widths:
# at the full widths one step of 16 clips took 2.5 s fp32 / 1.2 s bf16 on a Xeon core, at half 0.76 / 0.40 s
# (forward and backward of G and both critics on the fakes; a one-off timing)
_VIDEO_MODEL = mocogan.MoCoGANConfig(generator_channels=(128, 64, 32, 16), image_discriminator_channels=(16, 32, 64, 128),
                                     video_discriminator_channels=(16, 32, 64, 128))
_VIDEO_TRAIN = TrainConfig(steps=6000, batch_size=16, sample_every=250, checkpoint_every=250)
PRESETS.register(
    "moving-mnist",
    Preset(
        "MoCoGAN of clips of two real MNIST digits moving (moving-mnist: 16 frames of 64x64): content held, "
        "motion from a GRU; an image and a video (3-D convolution) discriminator. `ganforge animate` writes GIFs",
        RunConfig("mocogan", "moving-mnist", _VIDEO_MODEL, MoCoGANObjectiveConfig(), _VIDEO_TRAIN, "moving-mnist"),
    ),
)
PRESETS.register(
    "moving-mnist-frames",
    Preset(
        "the moving-mnist preset without its video discriminator's voice (video_weight 0): frames judged one "
        "by one, nothing asks them to move as real clips do (the ablation of docs/video.md)",
        RunConfig("mocogan", "moving-mnist", _VIDEO_MODEL, MoCoGANObjectiveConfig(video_weight=0.0), _VIDEO_TRAIN,
                  "moving-mnist-frames"),
    ),
)
