"""CycleGAN (Zhu et al. 2017): unpaired translation between domains A and B with two generators
(A->B, B->A) and two PatchGAN discriminators (one per domain).

ResNet generator (Johnson et al. 2016, as in the paper's code), for an image (B, C_in, H, W):
    reflect-pad 3 -> conv7 (width) -> norm -> ReLU                         (width, H, W)
    [conv3 s2 -> norm -> ReLU] x 2                                          (4*width, H/4, W/4)
    [residual block: reflect-pad, conv3, norm, ReLU, reflect-pad, conv3, norm] x residual_blocks
    [transposed conv3 s2 -> norm -> ReLU] x 2                               (width, H, W)
    reflect-pad 3 -> conv7 -> tanh                                          (C_out, H, W)
H and W must be multiples of 4. The paper uses 9 blocks at 256x256 and 6 at 128x128.
With upsample="resize" each transposed convolution becomes nearest-neighbour x2, reflect-pad 1, conv3
(Odena et al. 2016, "Deconvolution and checkerboard artifacts"): a stride-2 transposed 3x3 convolution
overlaps unevenly and paints a 2-pixel checkerboard, which feature-based judges read as texture.
With output="attention" (AttentionGAN, Tang et al. 2019, its single-mask form) the last conv7 gives one more
channel, a mask m = sigmoid(.) in [0, 1] per pixel, and the output is m * tanh(content) + (1 - m) * input: where
the mask is 0 the input's own pixels pass through untouched (background, identity, texture), so a translation
changes only what it must; the objective's mask_weight keeps the mask small. A and B need as many channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ganforge.models.family import CYCLE, Family
from ganforge.models.fitting import fit_two_domains, two_domain_shape
from ganforge.models.patchgan import PatchDiscriminator, check_translation_config
from ganforge.models.sampling import image_rows
from ganforge.nn import dcgan_init, norm_2d, uses_bias

UPSAMPLING = ("transposed", "resize")
OUTPUTS = ("image", "attention")


def upsampling(mode: str, in_channels: int, out_channels: int, bias: bool) -> list[nn.Module]:
    """Layers that double H and W: a stride-2 transposed conv3, or nearest x2 then a reflect-padded conv3."""
    if mode == "resize":
        return [nn.Upsample(scale_factor=2, mode="nearest"), nn.ReflectionPad2d(1),
                nn.Conv2d(in_channels, out_channels, 3, bias=bias)]
    return [nn.ConvTranspose2d(in_channels, out_channels, 3, 2, 1, output_padding=1, bias=bias)]


@dataclass(frozen=True)
class CycleGANConfig:
    """Networks of the cyclegan family."""

    channels_a: int = 3  # channels of domain A images (set from the data when training)
    channels_b: int = 3  # channels of domain B images
    generator_width: int = 64  # channels of the first generator layer (ngf); 4x this in the residual blocks
    residual_blocks: int = 9  # 9 for 256x256 images, 6 for 128x128 and smaller (the paper's choice)
    discriminator_width: int = 64  # channels of the first discriminator layer (ndf)
    discriminator_layers: int = 3  # strided layers of the PatchGAN; 3 gives 70x70 patches
    norm: str = "instance"  # "instance" (the paper's), "batch" or "none"
    upsample: str = "transposed"  # "transposed" (the paper's) or "resize" (nearest x2 + conv3: no checkerboard)
    output: str = "image"  # "image" (the paper's) or "attention" (a mask blends a new image into the input)

    def __post_init__(self):
        check_translation_config(self)
        if self.residual_blocks < 0:
            raise ValueError("residual_blocks must be >= 0")
        if self.upsample not in UPSAMPLING:
            raise ValueError(f"upsample must be one of {', '.join(UPSAMPLING)}, not {self.upsample!r}")
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, not {self.output!r}")
        if self.output == "attention" and self.channels_a != self.channels_b:
            raise ValueError(f"output = \"attention\" blends the output into the input, so A and B need as many "
                             f"channels ({self.channels_a} vs {self.channels_b}); use output = \"image\"")

    @property
    def input_multiple(self) -> int:
        """Inputs are padded to sides that are multiples of this (the generator's own need)."""
        return self.size_multiple

    @property
    def size_multiple(self) -> int:
        """Image sides must be multiples of this (two stride-2 downsamplings)."""
        return 4


class ResidualBlock(nn.Module):
    """x + conv(norm(relu(conv(norm(x))))), 3x3 convs with reflection padding; shape preserved."""

    def __init__(self, channels: int, norm: str):
        super().__init__()
        bias = uses_bias(norm)
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm_2d(norm, channels), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm_2d(norm, channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The input plus its residual."""
        return x + self.body(x)


class ResnetGenerator(nn.Module):
    """images (B, in_channels, H, W) in [-1, 1] -> images (B, out_channels, H, W) in [-1, 1]; with
    output="attention", the input blended with a new image by a mask the network draws (module doc)."""

    def __init__(self, *, in_channels: int, out_channels: int, width: int, blocks: int, norm: str,
                 upsample: str = "transposed", output: str = "image"):
        super().__init__()
        self.attention = output == "attention"
        self.out_channels = out_channels
        bias = uses_bias(norm)
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3), nn.Conv2d(in_channels, width, 7, bias=bias), norm_2d(norm, width), nn.ReLU(True),
        ]
        channels = width
        for _ in range(2):  # downsample: H -> H/4, channels x 4
            layers += [nn.Conv2d(channels, channels * 2, 3, 2, 1, bias=bias), norm_2d(norm, channels * 2), nn.ReLU(True)]
            channels *= 2
        layers += [ResidualBlock(channels, norm) for _ in range(blocks)]
        for _ in range(2):  # upsample back to H
            layers += [*upsampling(upsample, channels, channels // 2, bias), norm_2d(norm, channels // 2), nn.ReLU(True)]
            channels //= 2
        mask_channels = 1 if self.attention else 0
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(channels, out_channels + mask_channels, 7)]
        self.net = nn.Sequential(*layers, *([] if self.attention else [nn.Tanh()]))
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor, with_mask: bool = False):
        """The translated images; with `with_mask`, also the mask (B, 1, H, W) in [0, 1] that chose between the
        new image (1) and the input (0), None unless output="attention" (a keyword of forward, not a method of
        its own, so that a DistributedDataParallel wrapper still syncs its gradients)."""
        out = self.net(images)
        mask = None
        if self.attention:
            mask = torch.sigmoid(out[:, self.out_channels :])
            out = mask * torch.tanh(out[:, : self.out_channels]) + (1 - mask) * images
        return (out, mask) if with_mask else out


def build(config: CycleGANConfig) -> dict[str, nn.Module]:
    """generator_ab (A->B), generator_ba (B->A), discriminator_a (judges A), discriminator_b (judges B)."""
    generator = {"width": config.generator_width, "blocks": config.residual_blocks, "norm": config.norm,
                 "upsample": config.upsample, "output": config.output}
    discriminator = {"width": config.discriminator_width, "layers": config.discriminator_layers, "norm": config.norm}
    return {
        "generator_ab": ResnetGenerator(in_channels=config.channels_a, out_channels=config.channels_b, **generator),
        "generator_ba": ResnetGenerator(in_channels=config.channels_b, out_channels=config.channels_a, **generator),
        "discriminator_a": PatchDiscriminator(in_channels=config.channels_a, **discriminator),
        "discriminator_b": PatchDiscriminator(in_channels=config.channels_b, **discriminator),
    }


@torch.no_grad()
def preview(networks: dict[str, nn.Module], real: tuple, rng: torch.Generator) -> tuple[torch.Tensor, int]:
    """The sample grid: rows A, G_AB(A), G_BA(G_AB(A)), B, G_BA(B), G_AB(G_BA(B)) of fixed real images."""
    a, b = real
    g_ab, g_ba = networks["generator_ab"], networks["generator_ba"]
    fake_b, fake_a = g_ab(a), g_ba(b)
    return image_rows([a, fake_b, g_ba(fake_b), b, fake_a, g_ab(fake_a)])


def example_inputs(config: CycleGANConfig, size: int = 64) -> dict[str, tuple[torch.Tensor, ...]]:
    """One input per network (batch 2, size x size) for architecture tables."""
    a, b = torch.zeros(2, config.channels_a, size, size), torch.zeros(2, config.channels_b, size, size)
    return {"generator_ab": (a,), "generator_ba": (b,), "discriminator_a": (a,), "discriminator_b": (b,)}

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("cyclegan", CycleGANConfig, build, fit_two_domains, generator_role="generator_ab", task="translate",
           data_kind="unpaired", preview=preview, directions={"AtoB": "generator_ab", "BtoA": "generator_ba"},
           example_inputs=example_inputs, translation_shape=two_domain_shape, capabilities=frozenset({CYCLE})),
)
