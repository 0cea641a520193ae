"""Tensors in [-1, 1] <-> uint8 images and PNG grids, through numpy and Pillow."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.utils.files import atomic_write


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) floats in [-1, 1] -> (N, H, W, C) uint8."""
    scaled = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round()
    return scaled.to(torch.uint8).permute(0, 2, 3, 1).numpy()


def from_uint8(array: np.ndarray) -> torch.Tensor:
    """(N, H, W) or (N, H, W, C) uint8 -> (N, C, H, W) float32 in [-1, 1]."""
    if array.ndim == 3:
        array = array[..., None]
    if not array.flags.writeable:  # e.g. Pillow's buffers; torch wants to own writable memory
        array = array.copy()
    tensor = torch.from_numpy(np.ascontiguousarray(array)).permute(0, 3, 1, 2)
    return tensor.float().div(127.5).sub(1.0)


def make_grid(images: np.ndarray, columns: int | None = None, padding: int = 2) -> np.ndarray:
    """Tile (N, H, W, C) uint8 images into one (rows*H', columns*W', C) image."""
    count, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    grid = np.zeros(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        dtype=np.uint8,
    )
    for index, image in enumerate(images):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_image(array: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    """Save an (H, W, C) uint8 array as an image, optionally enlarged `scale` times."""
    image = Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    path = Path(path)
    return atomic_write(path, lambda tmp: image.save(tmp, format=_format_of(path)))


def save_grid(images: torch.Tensor, path: str | Path, columns: int | None = None) -> Path:
    """Save (N, C, H, W) images in [-1, 1] as a PNG grid; small images are enlarged to be seen."""
    grid = make_grid(to_uint8(images), columns)
    scale = 2 if images.shape[-1] <= 32 else 1
    return save_image(grid, path, scale)


def _format_of(path: Path) -> str:
    return {".jpg": "JPEG", ".jpeg": "JPEG"}.get(path.suffix.lower(), "PNG")
