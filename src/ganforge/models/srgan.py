"""SRResNet and SRGAN (Ledig et al. 2017): super-resolution by x2 or x4.

Generator (SRResNet), for a low-resolution image (B, C, h, w) in [-1, 1]:
    conv9 (width) -> PReLU                                                   (width, h, w)
    [residual block: conv3 -> BN -> PReLU -> conv3 -> BN, + input] x residual_blocks
    conv3 -> BN, + the output of the first layer (a long skip)
    [conv3 (4 * width) -> PixelShuffle(2) -> PReLU] x log2(scale)            (width, s*h, s*w)
    conv9 -> tanh                                                            (C, s*h, s*w)
The paper's output has no tanh; here images live in [-1, 1] like everywhere else in ganforge.
With `bicubic_skip` (not in the paper; the global residual of VDSR, Kim et al. 2016) the output is
bicubic(input) + conv9(...), no tanh: the network starts at bicubic quality and learns only the
missing detail, which reaches a given PSNR in far fewer steps on a CPU budget.

Discriminator: conv3 -> LeakyReLU, then conv3 blocks (BN, LeakyReLU 0.2) alternating stride 1 and 2
with widths w, 2w, 2w, 4w, 4w, 8w, 8w, -> average pool to 6x6 -> dense 1024 -> LeakyReLU -> dense 1.
The paper flattens a 96x96 crop (6x6 after four halvings); the adaptive pool keeps that shape for
other crop sizes.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ganforge.models.family import Family
from ganforge.models.fitting import TranslationShape, check_translation_size
from ganforge.models.sampling import image_rows
from ganforge.nn import activation


@dataclass(frozen=True)
class SRGANConfig:
    """Networks of the srgan family."""

    scale: int = 4  # upscaling factor: 2 or 4 (or any power of two)
    image_channels: int = 3  # 3 RGB, 1 grayscale (set from the data when training)
    generator_width: int = 64  # feature channels of the generator
    residual_blocks: int = 16  # the paper's 16
    discriminator_width: int = 64  # channels of the first discriminator layer
    bicubic_skip: bool = False  # output = bicubic upscaling + learned residual (False: the paper's network)

    @property
    def size_multiple(self) -> int:
        """High-resolution training images must have sides that are multiples of this."""
        return self.scale

    @property
    def input_multiple(self) -> int:
        """Low-resolution inputs may have any size."""
        return 1

    @property
    def receptive_radius(self) -> int:
        """How many low-resolution pixels on each side one output pixel depends on: a tile padded by
        this much upscales exactly as the whole image does."""
        upsampling = sum(2.0**-stage for stage in range(int(math.log2(self.scale))))  # a 3x3 conv per x2 stage
        return math.ceil(4 + 2 * self.residual_blocks + 1 + upsampling + 4 / self.scale)  # conv9 head, blocks, conv9 tail

    def __post_init__(self):
        if self.scale < 2 or self.scale & (self.scale - 1):
            raise ValueError(f"scale must be a power of two >= 2, not {self.scale}")
        if min(self.image_channels, self.generator_width, self.discriminator_width) < 1 or self.residual_blocks < 0:
            raise ValueError("channels and widths must be >= 1 and residual_blocks >= 0")


class SRResidualBlock(nn.Module):
    """x + BN(conv(PReLU(BN(conv(x))))); shape preserved."""

    def __init__(self, width: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.PReLU(width),
            nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The input plus its residual."""
        return x + self.body(x)


class SRResNet(nn.Module):
    """low-resolution images (B, C, h, w) -> (B, C, scale*h, scale*w), both in [-1, 1]."""

    def __init__(self, config: SRGANConfig):
        super().__init__()
        width = config.generator_width
        self.head = nn.Sequential(nn.Conv2d(config.image_channels, width, 9, padding=4), nn.PReLU(width))
        self.body = nn.Sequential(
            *[SRResidualBlock(width) for _ in range(config.residual_blocks)],
            nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width),
        )
        upsample: list[nn.Module] = []
        for _ in range(int(math.log2(config.scale))):
            # sub-pixel convolution (Shi et al. 2016): 4x the channels, rearranged into 2x the side
            upsample += [nn.Conv2d(width, 4 * width, 3, padding=1), nn.PixelShuffle(2), nn.PReLU(width)]
        self.scale = config.scale
        self.bicubic_skip = config.bicubic_skip
        output = [] if config.bicubic_skip else [nn.Tanh()]
        self.tail = nn.Sequential(*upsample, nn.Conv2d(width, config.image_channels, 9, padding=4), *output)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """The upscaled images."""
        features = self.head(images)
        upscaled = self.tail(features + self.body(features))
        if self.bicubic_skip:
            upscaled = upscaled + F.interpolate(images, scale_factor=self.scale, mode="bicubic", align_corners=False)
        return upscaled


class SRDiscriminator(nn.Module):
    """high-resolution images (B, C, H, W), H and W >= 16 -> one real/fake logit each (B,)."""

    def __init__(self, config: SRGANConfig):
        super().__init__()
        width = config.discriminator_width
        layers: list[nn.Module] = [nn.Conv2d(config.image_channels, width, 3, padding=1), activation("leaky_relu")]
        channels = width
        for index, out in enumerate([width, 2 * width, 2 * width, 4 * width, 4 * width, 8 * width, 8 * width]):
            stride = 2 if index % 2 == 0 else 1  # k3 s2, then k3 s1 at double width, ... as in the paper
            layers += [nn.Conv2d(channels, out, 3, stride, 1, bias=False), nn.BatchNorm2d(out), activation("leaky_relu")]
            channels = out
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(6), nn.Flatten())
        self.head = nn.Sequential(nn.Linear(channels * 36, 1024), activation("leaky_relu"), nn.Linear(1024, 1))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """One unnormalised score per image."""
        return self.head(self.features(images)).squeeze(1)


def build(config: SRGANConfig) -> dict[str, nn.Module]:
    """generator (SRResNet) and discriminator."""
    return {"generator": SRResNet(config), "discriminator": SRDiscriminator(config)}


@torch.no_grad()
def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: rows low resolution (enlarged by pixel repetition), upscaled, truth."""
    low, high = real
    scale = high.shape[-1] // low.shape[-1]
    return image_rows([low.repeat_interleave(scale, 2).repeat_interleave(scale, 3), networks["generator"](low), high])


def example_inputs(config: SRGANConfig, size: int = 24) -> dict[str, tuple[torch.Tensor, ...]]:
    """One input per network (batch 2) for architecture tables: a 24x24 low-resolution image, the paper's crop."""
    low = torch.zeros(2, config.image_channels, size, size)
    return {"generator": (low,), "discriminator": (torch.zeros(2, config.image_channels, size * config.scale,
                                                               size * config.scale),)}


def fit_to_data(config: SRGANConfig, data, name: str) -> SRGANConfig:
    """The data's channels, and its scale (the preprocessing's downscale factor)."""
    config = dataclasses.replace(config, image_channels=data.channels[1], scale=data.preprocess.scale)
    check_translation_size(config, data, name)
    return config


def translation_shape(config: SRGANConfig, direction: str) -> TranslationShape:
    """Low-resolution images in, `scale` times larger images out, any input size."""
    return TranslationShape(config.image_channels, config.image_channels, config.input_multiple, config.scale,
                            config.receptive_radius)

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("srgan", SRGANConfig, build, fit_to_data, task="upscale", data_kind="paired", preview=preview,
           directions={"AtoB": "generator"}, example_inputs=example_inputs, translation_shape=translation_shape),
)
