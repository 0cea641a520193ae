"""The PatchGAN discriminator of pix2pix and CycleGAN (Isola et al. 2017): a fully convolutional
classifier that scores every overlapping patch of the image as real or fake instead of the whole
image. With 3 strided layers each output sees a 70x70 patch; it judges texture and local style and
leaves the global structure to the generator's reconstruction loss.

image (B, C, H, W) -> conv4 s2 -> LeakyReLU -> [conv4 s2 -> norm -> LeakyReLU] x (layers - 1)
                   -> conv4 s1 -> norm -> LeakyReLU -> conv4 s1 -> logits (B, 1, H', W')
"""

from __future__ import annotations

import torch
from torch import nn

from ganforge.nn import NORMS, activation, dcgan_init, norm_2d, uses_bias


def check_translation_config(config) -> None:
    """The checks both translation configs share: positive channels and widths, a PatchGAN depth, a known norm."""
    if min(config.channels_a, config.channels_b, config.generator_width, config.discriminator_width) < 1:
        raise ValueError("channels and widths must be >= 1")
    if config.discriminator_layers < 1:
        raise ValueError("discriminator_layers must be >= 1")
    if config.norm not in NORMS:
        raise ValueError(f"norm must be one of {', '.join(NORMS)}, not {config.norm!r}")


def patch_receptive_field(layers: int) -> int:
    """Side of the input patch one output logit sees (70 for 3 layers, 34 for 2, 142 for 4)."""
    field = 1
    for stride in [1, 1] + [2] * layers:  # walk back from the logit through every k=4 conv
        field = field * stride + (4 - stride)
    return field


class PatchDiscriminator(nn.Module):
    """images (B, in_channels, H, W) -> patch logits (B, 1, H', W'); H, W >= 2 ** layers * 4."""

    def __init__(self, *, in_channels: int, width: int = 64, layers: int = 3, norm: str = "instance"):
        super().__init__()
        bias = uses_bias(norm)
        modules: list[nn.Module] = [nn.Conv2d(in_channels, width, 4, 2, 1), activation("leaky_relu")]
        channels = width
        for index in range(1, layers + 1):
            out = width * min(2**index, 8)
            stride = 2 if index < layers else 1  # the last feature layer keeps the resolution
            modules += [nn.Conv2d(channels, out, 4, stride, 1, bias=bias), norm_2d(norm, out), activation("leaky_relu")]
            channels = out
        modules.append(nn.Conv2d(channels, 1, 4, 1, 1))
        self.net = nn.Sequential(*modules)
        self.apply(dcgan_init)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """One logit per patch."""
        return self.net(images)
