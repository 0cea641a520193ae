"""Bicubic resizing as MATLAB's `imresize` does it, in numpy: published super-resolution tables
(SRCNN, SRGAN, EDSR, BasicSR) make their low-resolution inputs this way, so PSNR figures compare
only when the same kernel made the inputs. Pillow's BICUBIC is close but not equal (it uses the
same a = -0.5 kernel, antialiased, but rounds each pass to uint8).

The algorithm: Keys' cubic kernel (a = -0.5), widened by 1/scale when shrinking (antialiasing),
sample positions u = x / scale + 0.5 * (1 - 1 / scale), symmetric padding at the borders,
weights normalised per output pixel; rows first, then columns, in float64; rounded once at the end.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def cubic(x: np.ndarray) -> np.ndarray:
    """Keys' cubic convolution kernel with a = -0.5 (MATLAB's)."""
    ax = np.abs(x)
    return ((1.5 * ax**3 - 2.5 * ax**2 + 1) * (ax <= 1)
            + (-0.5 * ax**3 + 2.5 * ax**2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def _contributions(in_length: int, out_length: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(weights, source indices), each (out_length, taps), for one axis."""
    shrink = scale < 1
    width = 4.0 / scale if shrink else 4.0  # the kernel is 4 wide; antialiasing stretches it
    u = np.arange(1, out_length + 1) / scale + 0.5 * (1 - 1 / scale)  # 1-based source positions
    left = np.floor(u - width / 2)
    indices = left[:, None] + np.arange(int(np.ceil(width)) + 2)[None, :]
    distance = u[:, None] - indices
    weights = scale * cubic(distance * scale) if shrink else cubic(distance)
    weights /= weights.sum(axis=1, keepdims=True)
    mirror = np.concatenate([np.arange(in_length), np.arange(in_length - 1, -1, -1)])  # symmetric padding
    indices = mirror[np.mod(indices - 1, 2 * in_length).astype(np.int64)]
    keep = np.any(weights != 0, axis=0)
    return weights[:, keep], indices[:, keep]


def imresize(image: np.ndarray, scale: float) -> np.ndarray:
    """uint8 (H, W, C) resized by `scale` (e.g. 1/4) like MATLAB's imresize(image, scale, 'bicubic')."""
    height, width = image.shape[:2]
    out_h, out_w = int(np.ceil(height * scale)), int(np.ceil(width * scale))
    result = image.astype(np.float64)
    weights, indices = _contributions(height, out_h, scale)
    result = np.einsum("ot,otwc->owc", weights, result[indices])  # rows
    weights, indices = _contributions(width, out_w, scale)
    result = np.einsum("ot,hotc->hoc", weights, result[:, indices])  # columns
    return np.clip(np.round(result), 0, 255).astype(np.uint8)


KERNELS = ("bicubic", "matlab")


def downscale(image: np.ndarray, scale: int, kernel: str = "bicubic") -> np.ndarray:
    """uint8 (H, W, C), H and W multiples of `scale` -> (H / scale, W / scale, C): Pillow's bicubic
    ("bicubic"), or MATLAB's imresize ("matlab", as published super-resolution tables)."""
    height, width, channels = image.shape
    if kernel == "matlab":
        return imresize(image, 1 / scale)
    small = Image.fromarray(image[..., 0] if channels == 1 else image).resize((width // scale, height // scale),
                                                                              Image.BICUBIC)
    array = np.asarray(small)
    return array[..., None] if array.ndim == 2 else array


def upscale_bicubic(image: np.ndarray, scale: int) -> np.ndarray:
    """uint8 (h, w, C) -> (scale * h, scale * w, C) by Pillow's bicubic: the baseline of super-resolution."""
    height, width, channels = image.shape
    big = Image.fromarray(image[..., 0] if channels == 1 else image).resize((width * scale, height * scale),
                                                                            Image.BICUBIC)
    array = np.asarray(big)
    return array[..., None] if array.ndim == 2 else array
