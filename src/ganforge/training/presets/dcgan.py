"""Presets of the dcgan family: the classic GAN and conditional GAN on digits, DCGAN at 64x64, faces, and
SpecGAN (a conditional DCGAN on spectrograms)."""

from __future__ import annotations

import dataclasses

from ganforge.data import PreprocessConfig
from ganforge.data.utkface import CLASS_NAMES, split_spec
from ganforge.models.dcgan import DCGANConfig
from ganforge.objectives.gan import GANObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig

_MNIST_TRAIN = TrainConfig(steps=3000, batch_size=64, sample_every=250)
PRESETS.register(
    "mnist-gan",
    Preset(
        "the classic GAN: z=100 -> dense -> 128x7x7 -> BN/ReLU transposed convs -> tanh 28x28 digits",
        RunConfig("dcgan", "mnist-5k", DCGANConfig(), GANObjectiveConfig(), _MNIST_TRAIN, "mnist-gan"),
    ),
)
PRESETS.register(
    "mnist-cgan",
    Preset(
        "conditional GAN: draws the digit you ask for (label embedding in G, projection in D)",
        RunConfig("dcgan", "mnist-5k", DCGANConfig(num_classes=10), GANObjectiveConfig(), _MNIST_TRAIN, "mnist-cgan"),
    ),
)
PRESETS.register(
    "dcgan-64",
    Preset(
        "DCGAN of Radford et al. at 64x64 RGB (nz=100, ngf=ndf=64); needs --data with 64x64 images",
        RunConfig(
            "dcgan",
            "",
            DCGANConfig(
                image_channels=3,
                generator_hidden=(),
                base_size=4,
                generator_channels=(512, 256, 128, 64),
                discriminator_channels=(64, 128, 256, 512),
            ),
            GANObjectiveConfig(),
            TrainConfig(steps=10000, batch_size=128, sample_every=500, checkpoint_every=1000),
            "dcgan-64",
        ),
    ),
)
# speech (issue 20): SpecGAN (Donahue et al. 2019) is a conditional DCGAN on 128x128 log-magnitude
# spectrograms of 16,384 samples at 16 kHz; Griffin-Lim makes audio of its images (`ganforge say`).
# Trained as in the paper, with WGAN-GP and a critic without batch norm: with the non-saturating loss
# the discriminator won within 450 steps (loss 0.0004) and the generator drew noise (docs/speech.md).
# The label conditions both networks (embedding joined to z; projection in the critic) and, as in
# AC-GAN, the critic also names the digit; the label embedding starts on z's scale. With the
# projection alone and DCGAN's small embedding init, 1,662 steps gave samples the judge heard as the
# asked digit 12.6 % of the time (chance: 10 %). With the class head at weight 1 the generator's
# class loss still rose for 900 steps: at step 500 the critic's gradient reached the generator's
# weights 18x stronger than the class loss's (norms 63 vs 3.5, bench/quality/class_gradients.py), hence
# weight 10. Spectrograms are scaled per frequency bin as in the paper: with fixed dB the judge heard 17 % of clips right at
# step 500 and 54.5 % at 3,000; per bin, 52.5 % at 500 and 86 % at 1,500 (docs/speech.md)
PRESETS.register(
    "specgan-digits",
    Preset(
        "SpecGAN on spoken digits: a conditional DCGAN (5 transposed convolutions, 4 -> 128) on 128x128 "
        "log-magnitude spectrograms scaled per frequency bin, WGAN-GP and an AC-GAN class head (Adam 1e-4, "
        "betas 0.5 / 0.9), Griffin-Lim back to audio; needs --data with the Free Spoken Digit Dataset",
        RunConfig("dcgan", "", DCGANConfig(num_classes=10, base_size=4, generator_channels=(256, 128, 64, 32, 16),
                                           discriminator_channels=(16, 32, 64, 128, 256), discriminator_norm="none",
                                           auxiliary_classifier=True, label_embed_std=1.0),
                  GANObjectiveConfig(loss="wgan-gp", reuse_fakes=False, classifier_weight=10.0),
                  TrainConfig(steps=6000, batch_size=64, eval_every=0, sample_every=500, lr_generator=1e-4,
                              lr_discriminator=1e-4, beta1=0.5, beta2=0.9), "specgan-digits",
                  PreprocessConfig(spectrogram="per-bin")),
    ),
)
# faces that do not exist: UTKFace (../shared/data/utkface, non-commercial research licence), 64x64 colour
# on a CPU, 128x128 for GPU users; the held-out tenth (data/utkface.py) is never trained on. The photos are
# decoded once at the model's size (ganforge.data.cache), whatever size the networks are set to
_FACES_DCGAN = DCGANConfig(image_channels=3, base_size=4, generator_channels=(256, 128, 64, 32),
                           discriminator_channels=(32, 64, 128, 256))
_FACES_TRAIN = TrainConfig(steps=30_000, batch_size=64, sample_every=1000, checkpoint_every=1000)


def _faces_run(name: str, data: str, *, conditional: bool) -> RunConfig:
    """The 64x64 faces DCGAN with DiffAugment on `data`, conditioned on its labelling's classes (sex, or sex and
    age group) when `conditional`."""
    classes = len(CLASS_NAMES[split_spec(data)[1]]) if conditional else 0
    return RunConfig("dcgan", data, dataclasses.replace(_FACES_DCGAN, num_classes=classes),
                     GANObjectiveConfig(augment="diffaugment"), _FACES_TRAIN, name)

# the label embedding keeps DCGAN's small initial scale (label_embed_std 0.02): at 1.0 the generator ignored
# z within 600 steps (per-pixel std over z 0.045 against 0.40; a one-off check, docs/faces.md says how)
PRESETS.register(
    "faces",
    Preset(
        "DCGAN of faces that do not exist: 64x64 colour UTKFace photos (utkface, 8,146 training faces), CPU-sized "
        "channels, DiffAugment",
        _faces_run("faces", "utkface", conditional=False),
    ),
)
PRESETS.register(
    "faces-cgan",
    Preset(
        "conditional DCGAN of faces by sex: --label male draws only men's faces (64x64 UTKFace, utkface; "
        "label embedding in G, projection in D, DiffAugment)",
        _faces_run("faces-cgan", "utkface", conditional=True),
    ),
)
# sex and age group together (utkface:sex+age, eight classes): a third of UTKFace's faces are children, whose
# sex the face judge reads right for 72 % of real held-out ones against 93 % at 13 and over, so a model asked
# only for a sex draws children the judge cannot read (docs/faces.md); this one is asked for both
PRESETS.register(
    "faces-cgan-age",
    Preset(
        "conditional DCGAN of faces by sex and age group (utkface:sex+age): --label \"male adult\", "
        "\"female over 50\", ..., or --label male (its male classes from 13 on) (the faces-cgan networks, "
        "eight classes)",
        _faces_run("faces-cgan-age", "utkface:sex+age", conditional=True),
    ),
)
PRESETS.register(
    "faces-cgan-128",
    Preset(
        "conditional DCGAN of faces by sex at 128x128 (utkface), wider: for a GPU",
        RunConfig("dcgan", "utkface", dataclasses.replace(_FACES_DCGAN, num_classes=2,
                                                          generator_channels=(512, 256, 128, 64, 32),
                                                          discriminator_channels=(32, 64, 128, 256, 512)),
                  GANObjectiveConfig(augment="diffaugment"),
                  TrainConfig(steps=50_000, batch_size=64, sample_every=1000, checkpoint_every=2000),
                  "faces-cgan-128"),
    ),
)
