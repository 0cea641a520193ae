"""Presets of the wavegan family: WaveGAN on spoken digits."""

from __future__ import annotations

from ganforge.models.wavegan import WaveGANConfig
from ganforge.objectives.gan import GANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

PRESETS.register(
    "wavegan-digits",
    Preset(
        "WaveGAN on spoken digits: a conditional 1-D DCGAN straight to 16,384 samples at 16 kHz, phase shuffle in "
        "the discriminator, WGAN-GP and an AC-GAN class head (Adam 1e-4, betas 0.5 / 0.9); needs --data with the "
        "Free Spoken Digit Dataset",
        RunConfig("wavegan", "", WaveGANConfig(num_classes=10, generator_channels=(256, 128, 64, 32, 16),
                                               discriminator_channels=(16, 32, 64, 128, 256), auxiliary_classifier=True),
                  GANObjectiveConfig(loss="wgan-gp", reuse_fakes=False, classifier_weight=10.0),
                  TrainConfig(steps=6000, batch_size=64, eval_every=0, sample_every=500, lr_generator=1e-4,
                              lr_discriminator=1e-4, beta1=0.5, beta2=0.9, ema_decay=0.0), "wavegan-digits"),
    ),
)
