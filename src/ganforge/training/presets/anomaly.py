"""Presets of the one-class anomaly detectors: GANomaly, f-AnoGAN, an autoencoder and Deep SVDD."""

from __future__ import annotations

from ganforge.data import PreprocessConfig
from ganforge.models.anomaly import AnomalyConfig
from ganforge.objectives.anomaly import (
    AutoencoderObjectiveConfig,
    DeepSVDDObjectiveConfig,
    FAnoGANObjectiveConfig,
    GANomalyObjectiveConfig,
)
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

# anomaly detection (one-class): train on the normal class(es) only (--normal, default digit 0), a fixed
# budget of 1,500 steps of 64, no EMA, the last step is the model (never chosen by test scores)
_ANOMALY_TRAIN = {"steps": 1500, "batch_size": 64, "ema_decay": 0.0, "sample_every": 250}
_ANOMALY_DATA = PreprocessConfig(normal=(0,))
PRESETS.register(
    "ganomaly",
    Preset(
        "GANomaly (Akcay et al. 2018): encoder-decoder-encoder + discriminator on normal images; score = latent "
        "distance; --normal CLASSES (default 0) of a labelled dataset",
        RunConfig("ganomaly", "mnist-5k", AnomalyConfig(), GANomalyObjectiveConfig(), TrainConfig(**_ANOMALY_TRAIN),
                  "ganomaly", _ANOMALY_DATA),
    ),
)
PRESETS.register(
    "fanogan",
    Preset(
        "f-AnoGAN (Schlegl et al. 2019): WGAN-GP on normal images for 2,000 steps, then an encoder (izi_f) for "
        "1,000 with the GAN fixed; score = image + critic-feature residual; --normal CLASSES (default 0)",
        RunConfig("fanogan", "mnist-5k", AnomalyConfig(), FAnoGANObjectiveConfig(),
                  TrainConfig(**{**_ANOMALY_TRAIN, "steps": 3000, "lr_generator": 1e-4, "lr_discriminator": 1e-4,
                                 "beta1": 0.5, "beta2": 0.9}),
                  "fanogan", _ANOMALY_DATA),
    ),
)
PRESETS.register(
    "autoencoder",
    Preset(
        "convolutional autoencoder on normal images; score = reconstruction error (anomaly baseline)",
        RunConfig("autoencoder", "mnist-5k", AnomalyConfig(), AutoencoderObjectiveConfig(),
                  TrainConfig(**_ANOMALY_TRAIN, lr_generator=1e-3), "autoencoder", _ANOMALY_DATA),
    ),
)
PRESETS.register(
    "deep-svdd",
    Preset(
        "one-class Deep SVDD (Ruff et al. 2018): bias-free encoder pulled to a centre; score = distance "
        "(anomaly baseline)",
        RunConfig("deep-svdd", "mnist-5k", AnomalyConfig(latent_dim=32), DeepSVDDObjectiveConfig(),
                  TrainConfig(**_ANOMALY_TRAIN, lr_generator=1e-4, beta1=0.9), "deep-svdd", _ANOMALY_DATA),
    ),
)
