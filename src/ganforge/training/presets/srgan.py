"""Presets of the srgan family: SRResNet and SRGAN at x4."""

from __future__ import annotations

from ganforge.data import PreprocessConfig
from ganforge.models.srgan import SRGANConfig
from ganforge.objectives.paired import SRGANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# super-resolution (Ledig et al.): SRResNet = the pixel-loss stage, SRGAN = + content + 1e-3 adversarial.
# Small for 2 CPU cores: 8 blocks of width 32 with a bicubic skip (the net learns only the residual),
# 96x96 crops of the 16 training photos of skimage-all (7 colour photos alone overfit), flipped and
# turned (all 8 symmetries of a square: +0.09 dB held-out, +0.12 dB CBSD68 over flips alone).
_SR_MODEL = SRGANConfig(generator_width=32, residual_blocks=8, discriminator_width=32, bicubic_skip=True)
_SR_DATA = PreprocessConfig(crop_size=96, derive_input="downscale", scale=4, rotate=True)
_SR_TRAIN = {"batch_size": 16, "sample_every": 250, "ema_decay": 0.0, "beta1": 0.9, "lr_decay_start": 0.5}
PRESETS.register(
    "srresnet-x4",
    Preset(
        "SRResNet x4 (8 residual blocks, width 32, bicubic skip), pixel MSE, 96x96 crops of scikit-image's photos",
        RunConfig("srgan", "skimage-all", _SR_MODEL, SRGANObjectiveConfig(adversarial_weight=0.0),
                  TrainConfig(steps=3000, lr_generator=5e-4, lr_discriminator=1e-4, **_SR_TRAIN), "srresnet-x4", _SR_DATA),
    ),
)
PRESETS.register(
    "srgan-x4",
    Preset(
        "SRGAN x4: srresnet-x4 + a discriminator, 0.1 MSE + 0.01 Inception-feature content + 1e-3 adversarial; "
        "start it from SRResNet: --init-generator runs/srresnet-x4",
        RunConfig("srgan", "skimage-all", _SR_MODEL,
                  SRGANObjectiveConfig(pixel_weight=0.1, content="inception", content_weight=0.01),
                  TrainConfig(steps=1000, lr_generator=1e-4, lr_discriminator=1e-4, **_SR_TRAIN), "srgan-x4", _SR_DATA),
    ),
)
