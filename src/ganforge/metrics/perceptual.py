"""A perceptual distance between an image and its truth, for super-resolution (where PSNR rewards the blur that
SRGAN trades away): LPIPS's recipe (Zhang et al. 2018) on the early blocks of the standard FID Inception-v3,
which installs offline (LPIPS's own AlexNet / VGG weights would be a download and torchvision).

At each of LAYERS the feature vector of every position is scaled to unit length over channels, the squared
difference of the two images' unit vectors is summed over channels and averaged over positions; the distance
is the mean over the layers. 0 for identical images, at most 4 per layer (opposite vectors). Unlike LPIPS the
layers are not weighted by a fit to human judgements: it ranks sharpness and texture as the Inception's early
features see them, it is not LPIPS's calibrated scale. SRGAN's content loss (objectives/perceptual.py) is an
unnormalised squared distance at one of these layers (conv_4), so a model trained with it is judged in part on
what it optimised: read the figure beside PSNR and the pictures, not alone.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from ganforge.models.inception import InceptionTaps

LAYERS = ("conv_2", "conv_4", "mixed_2")  # 64 channels at 1/2, 192 at 1/4, 288 at 1/8 of the input side
MIN_SIDE = 80  # the blocks up to mixed_2 need at least this many input pixels per side


def unit_vectors(maps: list[Tensor]) -> list[Tensor]:
    """Feature maps (N, C, H, W) with the channel vector of every position scaled to unit length."""
    return [f / (f.square().sum(1, keepdim=True).sqrt() + 1e-10) for f in maps]


def unit_distances(a: list[Tensor], b: list[Tensor]) -> Tensor:
    """(N, layers): per image and layer, the squared difference of two images' unit vectors summed over
    channels and averaged over positions (the module doc's distance before its mean over layers)."""
    return torch.stack([(x - y).square().sum(1).mean((1, 2)) for x, y in zip(a, b, strict=True)], 1)


class PerceptualDistance:
    """The module doc's distance; `__call__(image, truth)` on uint8 (H, W, C) arrays of one shape."""

    def __init__(self, device: str | torch.device = "cpu", layers: tuple[str, ...] = LAYERS):
        self.taps = InceptionTaps(layers, device)
        self.device = device

    @torch.no_grad()
    def features(self, image: np.ndarray) -> list[Tensor]:
        """Unit-length channel vectors (1, C, H', W') at each layer, of a uint8 (H, W, C) image."""
        x = torch.tensor(image, dtype=torch.float32, device=self.device).permute(2, 0, 1)[None]
        return unit_vectors(self.taps((x - 128) / 128))  # the network's own input scale

    def __call__(self, image: np.ndarray, truth: np.ndarray) -> float:
        """The distance (module doc): lower is nearer the truth."""
        if image.shape != truth.shape:
            raise ValueError(f"need two images of one shape, got {image.shape} and {truth.shape}")
        if min(image.shape[:2]) < MIN_SIDE:
            raise ValueError(f"images need sides of at least {MIN_SIDE} pixels, got {image.shape[1]}x{image.shape[0]}")
        return float(unit_distances(self.features(image), self.features(truth)).mean())
