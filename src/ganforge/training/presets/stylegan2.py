"""Presets of the stylegan2 family: the paper's StyleGAN2, small ones for digits and faces on a CPU, and
faces for GPUs."""

from __future__ import annotations

from ganforge.data import PreprocessConfig
from ganforge.models.stylegan2 import StyleGAN2Config
from ganforge.objectives.stylegan2 import StyleGAN2ObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# StyleGAN2 (Karras et al.): Adam 0.0025, betas (0, 0.99), EMA of G; small widths for 32x32 on a CPU
_STYLEGAN2_MODEL = StyleGAN2Config(resolution=32, z_dim=128, w_dim=128, channel_base=2048, channel_max=64)
_STYLEGAN2_TRAIN = {"lr_generator": 0.0025, "lr_discriminator": 0.0025, "beta1": 0.0, "beta2": 0.99,
                    "ema_decay": 0.995, "sample_every": 250}
_R1_32 = 0.0002 * 32**2 / 16 * 8  # StyleGAN2-ADA's auto gamma (0.0002 res^2 / batch), x8 for the tiny data sets
PRESETS.register(
    "stylegan2",
    Preset(
        "StyleGAN2 config F at 256x256 (512 channels, R1 gamma 1, batch 32); needs --data with 256x256 images",
        RunConfig("stylegan2", "", StyleGAN2Config(resolution=256, channel_base=16384), StyleGAN2ObjectiveConfig(r1_gamma=1.0),
                  TrainConfig(steps=200_000, batch_size=32, checkpoint_every=5000, **_STYLEGAN2_TRAIN), "stylegan2"),
    ),
)
PRESETS.register(
    "stylegan2-mnist",
    Preset(
        "StyleGAN2 on real MNIST digits (mnist-5k) resized to 32x32, small channels, no augmentation; "
        "20,000 steps (~2.2 h on 2 CPU cores): the samples collapse to one shape for the first ~3,000",
        RunConfig("stylegan2", "mnist-5k", _STYLEGAN2_MODEL, StyleGAN2ObjectiveConfig(r1_gamma=_R1_32),
                  TrainConfig(steps=20_000, batch_size=16, eval_every=1000, **_STYLEGAN2_TRAIN), "stylegan2-mnist",
                  PreprocessConfig(load_size=32)),
    ),
)
PRESETS.register(
    "stylegan2-faces",
    Preset(
        "StyleGAN2 on 100 real faces (lfw-faces, 25 -> 32x32 grayscale) with DiffAugment: the few-shot setting",
        RunConfig("stylegan2", "lfw-faces", _STYLEGAN2_MODEL,
                  StyleGAN2ObjectiveConfig(r1_gamma=_R1_32, augment="diffaugment"),
                  TrainConfig(steps=1500, batch_size=16, **_STYLEGAN2_TRAIN), "stylegan2-faces",
                  PreprocessConfig(load_size=32)),
    ),
)
# StyleGAN2 faces: 64x64 trains at about 10 images/s on one CPU core (measured), so these are for GPUs
_R1_64 = 0.0002 * 64**2 / 32  # StyleGAN2-ADA's auto gamma for 64x64 at batch 32
PRESETS.register(
    "faces-stylegan2",
    Preset(
        "StyleGAN2 of faces at 64x64 (utkface), channels 256 down to 128, DiffAugment: about 10 images/s on a CPU "
        "core, so for a GPU",
        RunConfig("stylegan2", "utkface",
                  StyleGAN2Config(resolution=64, z_dim=256, w_dim=256, mapping_layers=4, channel_base=8192,
                                  channel_max=256),
                  StyleGAN2ObjectiveConfig(r1_gamma=_R1_64, augment="diffaugment"),
                  TrainConfig(steps=60_000, batch_size=32, checkpoint_every=1000, **{**_STYLEGAN2_TRAIN,
                                                                                     "sample_every": 1000}),
                  "faces-stylegan2"),
    ),
)
PRESETS.register(
    "faces-128",
    Preset(
        "StyleGAN2 faces at 128x128 (utkface) with the widths of config F halved: for a GPU",
        RunConfig("stylegan2", "utkface", StyleGAN2Config(resolution=128, channel_base=16384, channel_max=256),
                  StyleGAN2ObjectiveConfig(r1_gamma=0.0002 * 128**2 / 32, augment="diffaugment"),
                  TrainConfig(steps=100_000, batch_size=32, checkpoint_every=5000, **_STYLEGAN2_TRAIN),
                  "faces-128"),
    ),
)
