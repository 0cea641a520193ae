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

from ganforge.models.inception import load_inception

LAYERS = ("conv_2", "conv_4", "mixed_2")  # 64 channels at 1/2, 192 at 1/4, 288 at 1/8 of the input side
_BLOCKS = ("conv", "conv_1", "conv_2", "pool0", "conv_3", "conv_4", "pool1", "mixed", "mixed_1", "mixed_2")
MIN_SIDE = 80  # the blocks up to mixed_2 need at least this many input pixels per side


class PerceptualDistance:
    """The module doc's distance; `__call__(image, truth)` on uint8 (H, W, C) arrays of one shape."""

    def __init__(self, device: str | torch.device = "cpu"):
        layers = load_inception(device).net.layers
        self.blocks = [(name, module) for name, module in layers.named_children() if name in _BLOCKS]
        self.device = device

    @torch.no_grad()
    def features(self, image: np.ndarray) -> list[torch.Tensor]:
        """Unit-length channel vectors (C, H', W') at each of LAYERS, of a uint8 (H, W, C) image."""
        x = torch.tensor(image, dtype=torch.float32, device=self.device).permute(2, 0, 1)[None]
        x = x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x
        x = (x - 128) / 128  # the network's own input scale
        taps = []
        for name, block in self.blocks:
            x = block(x)
            if name in LAYERS:
                taps.append(x[0] / x[0].norm(dim=0, keepdim=True).clamp_min(1e-10))
        return taps

    def __call__(self, image: np.ndarray, truth: np.ndarray) -> float:
        """The distance (module doc): lower is nearer the truth."""
        if image.shape != truth.shape:
            raise ValueError(f"need two images of one shape, got {image.shape} and {truth.shape}")
        if min(image.shape[:2]) < MIN_SIDE:
            raise ValueError(f"images need sides of at least {MIN_SIDE} pixels, got {image.shape[1]}x{image.shape[0]}")
        pairs = zip(self.features(image), self.features(truth), strict=True)
        return float(np.mean([(a - b).pow(2).sum(0).mean().item() for a, b in pairs]))
