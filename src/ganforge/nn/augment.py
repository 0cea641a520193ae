"""Differentiable augmentations for training a discriminator on little data: the same random
transformations are applied to real and generated images before the discriminator sees them, so
it cannot simply memorise the few real ones, while gradients still reach the generator.

DiffAugment (Zhao et al. 2020), policy "color,translation,cutout":
  color        brightness + U(-0.5, 0.5); saturation x U(0, 2); contrast x U(0.5, 1.5)
  translation  shift by up to 1/8 of the side in x and y, zero-filled
  cutout       a zeroed square of half the side at a random place
Adaptive (ADA-style, Karras et al. 2020): each sample gets each of those operations with
probability p; the objective raises p when the discriminator overfits (see objectives/stylegan2.py).
Images are in [-1, 1]; draws come from torch's global RNG, which the trainer seeds.
"""

from __future__ import annotations

import torch
from torch import Tensor

POLICIES = ("color", "translation", "cutout")


def _apply(x: Tensor, changed: Tensor, keep: Tensor | None) -> Tensor:
    """`changed` where keep is None or True (per sample), else `x`."""
    if keep is None:
        return changed
    return torch.where(keep[:, None, None, None], changed, x)


def color(x: Tensor, keep: Tensor | None = None) -> Tensor:
    """Random brightness, saturation and contrast per sample."""
    batch = x.shape[0]
    rand = lambda: torch.rand(batch, 1, 1, 1, device=x.device, dtype=x.dtype)
    y = x + (rand() - 0.5)
    if x.shape[1] > 1:
        mean = y.mean(dim=1, keepdim=True)
        y = (y - mean) * (rand() * 2) + mean
    mean = y.mean(dim=(1, 2, 3), keepdim=True)
    y = (y - mean) * (rand() + 0.5) + mean
    return _apply(x, y, keep)


def translation(x: Tensor, keep: Tensor | None = None, ratio: float = 0.125) -> Tensor:
    """Shift each sample by up to ratio x side pixels, filling with zeros."""
    batch, _, height, width = x.shape
    shift_y, shift_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    ty = torch.randint(-shift_y, shift_y + 1, (batch, 1, 1), device=x.device)
    tx = torch.randint(-shift_x, shift_x + 1, (batch, 1, 1), device=x.device)
    rows = torch.arange(height, device=x.device)[None, :, None] - ty  # source row of each output row
    cols = torch.arange(width, device=x.device)[None, None, :] - tx
    inside = ((rows >= 0) & (rows < height) & (cols >= 0) & (cols < width))[:, None]
    index = (rows.clamp(0, height - 1) * width + cols.clamp(0, width - 1)).flatten(1)  # (B, H*W)
    flat = x.flatten(2).gather(2, index[:, None].expand(-1, x.shape[1], -1)).view_as(x)
    return _apply(x, flat * inside, keep)


def cutout(x: Tensor, keep: Tensor | None = None, ratio: float = 0.5) -> Tensor:
    """Zero a square of ratio x side, centred anywhere in the image (so it may be cut by the border)."""
    batch, _, height, width = x.shape
    size_y, size_x = int(height * ratio + 0.5), int(width * ratio + 0.5)
    top = torch.randint(0, height, (batch, 1, 1), device=x.device) - size_y // 2
    left = torch.randint(0, width, (batch, 1, 1), device=x.device) - size_x // 2
    rows = torch.arange(height, device=x.device)[None, :, None]
    cols = torch.arange(width, device=x.device)[None, None, :]
    hole = (rows >= top) & (rows < top + size_y) & (cols >= left) & (cols < left + size_x)
    return _apply(x, x * (~hole)[:, None].to(x.dtype), keep)


OPERATIONS = {"color": color, "translation": translation, "cutout": cutout}


def parse_policy(policy: str) -> tuple[str, ...]:
    """'color,translation,cutout' -> its operations, checked."""
    names = tuple(name.strip() for name in policy.split(",") if name.strip())
    unknown = [name for name in names if name not in OPERATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation {unknown[0]!r}; choose from {', '.join(POLICIES)}")
    return names


def augment(x: Tensor, policy: tuple[str, ...], probability: float = 1.0) -> Tensor:
    """Apply each operation of `policy` to each sample (with `probability`, per sample and operation)."""
    for name in policy:
        keep = None if probability >= 1 else torch.rand(x.shape[0], device=x.device) < probability
        if keep is not None and not keep.any():
            continue
        x = OPERATIONS[name](x, keep)
    return x
