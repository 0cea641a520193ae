"""Attributes of a handwritten stroke image that can be computed, not labelled: what the editing
commands measure their directions on (no real face set with attribute labels installs offline).

Images are grayscale, ink bright on a dark background (MNIST's convention), as uint8 (N, H, W[, 1])
or floats in [-1, 1] (N, 1, H, W). Ink is every pixel above half intensity.

thickness  ink area / skeleton length (scikit-image's `skeletonize`), in pixels: the stroke width
           (a bar w pixels wide scores about w; the skeleton is shorter than the bar by ~w at the
           ends, so short strokes score a little more).
slant      the shear of the ink from its second-order moments, -mu11 / mu02 (the deskewing shear of
           MNIST's classic preprocessing, with the sign so that leaning right is positive): how many
           pixels the ink moves right per pixel up; 0 is upright, 1 is 45 degrees.
width      columns between the leftmost and rightmost ink pixel, inclusive.
height     rows between the top and bottom ink pixel, inclusive.
An image without ink gets NaN for every attribute; use numpy's nan-aware reductions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ganforge.registry import Registry

INK_LEVEL = 0.5  # intensity in [0, 1] above which a pixel is ink


def intensities(images: np.ndarray | torch.Tensor) -> np.ndarray:
    """Images as float64 (N, H, W) in [0, 1]: uint8 (N, H, W[, 1]) or floats in [-1, 1] (N, 1, H, W)."""
    if isinstance(images, torch.Tensor):
        array = images.detach().cpu().double().numpy()
        if array.ndim != 4 or array.shape[1] != 1:
            raise ValueError(f"expected (N, 1, H, W) grayscale tensors, not {tuple(array.shape)}")
        return ((array[:, 0] + 1) / 2).clip(0, 1)
    array = np.asarray(images)
    if array.ndim == 4:
        if array.shape[-1] != 1:
            raise ValueError(f"expected grayscale images (N, H, W, 1), not {array.shape}")
        array = array[..., 0]
    if array.ndim != 3 or array.dtype != np.uint8:
        raise ValueError(f"expected uint8 (N, H, W) images, not {array.dtype} {array.shape}")
    return array / 255.0


def thickness(images: np.ndarray | torch.Tensor) -> np.ndarray:
    """Stroke width in pixels: ink area over skeleton length (N,)."""
    from skimage.morphology import skeletonize  # here, not at the top: a fifth of a second off every command's start

    result = np.full(len(images), np.nan)
    for index, image in enumerate(intensities(images) > INK_LEVEL):
        length = skeletonize(image).sum()
        if length:
            result[index] = image.sum() / length
    return result


def slant(images: np.ndarray | torch.Tensor) -> np.ndarray:
    """Shear -mu11 / mu02 of the ink (N,): pixels to the right per pixel up."""
    values = intensities(images)
    ink = values * (values > INK_LEVEL)  # weighted by intensity: antialiased edges count in part
    _, height, width = ink.shape
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    mass = ink.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        cy = (ink * rows).sum(axis=(1, 2)) / mass
        cx = (ink * cols).sum(axis=(1, 2)) / mass
        dy, dx = rows - cy[:, None, None], cols - cx[:, None, None]
        mu11 = (ink * dx * dy).sum(axis=(1, 2)) / mass
        mu02 = (ink * dy * dy).sum(axis=(1, 2)) / mass
        return np.where(mu02 > 0, -mu11 / mu02, np.nan)


def _extent(images: np.ndarray | torch.Tensor, axis: int) -> np.ndarray:
    ink = intensities(images) > INK_LEVEL
    occupied = ink.any(axis=axis)  # (N, W) for axis 1 (rows collapsed), (N, H) for axis 2
    first = occupied.argmax(axis=1)
    last = occupied.shape[1] - 1 - occupied[:, ::-1].argmax(axis=1)
    return np.where(occupied.any(axis=1), last - first + 1, np.nan).astype(np.float64)


def ink_width(images: np.ndarray | torch.Tensor) -> np.ndarray:
    """Width of the ink's bounding box in pixels (N,)."""
    return _extent(images, axis=1)


def ink_height(images: np.ndarray | torch.Tensor) -> np.ndarray:
    """Height of the ink's bounding box in pixels (N,)."""
    return _extent(images, axis=2)


# name -> function(images) -> float64 (N,); `directions --method attribute --attribute NAME` and the
# editing benchmark validate names against this registry
ATTRIBUTES: Registry[Callable[[np.ndarray | torch.Tensor], np.ndarray]] = Registry("attribute")
ATTRIBUTES.register("thickness", thickness)
ATTRIBUTES.register("slant", slant)
ATTRIBUTES.register("width", ink_width)
ATTRIBUTES.register("height", ink_height)


def measure_attributes(images: np.ndarray | torch.Tensor, names: list[str] | tuple[str, ...]) -> dict[str, np.ndarray]:
    """Each named attribute of each image: {name: (N,)}."""
    return {name: ATTRIBUTES.get(name)(images) for name in names}


# Smooth stand-ins: the same attributes as differentiable functions of float images (N, 1, H, W) in
# [-1, 1], for edits that hold an attribute while they move another (their gradient is what is held).
# The ink threshold becomes a steep sigmoid; the skeleton, which has no gradient, gives way to the
# perimeter: a stroke of width w and length L has area ~ wL and perimeter ~ 2L, so 2 area / perimeter
# is ~ w, the perimeter being the total variation of the soft ink mask.
SOFT_INK_SHARPNESS = 0.05  # width in intensity of the sigmoid that replaces the ink threshold


def soft_ink(images: torch.Tensor) -> torch.Tensor:
    """(N, H, W) ink mask in [0, 1], the sigmoid of the intensity's distance to the ink level."""
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"expected (N, 1, H, W) grayscale tensors, not {tuple(images.shape)}")
    values = (images[:, 0] + 1) / 2
    return torch.sigmoid((values - INK_LEVEL) / SOFT_INK_SHARPNESS)


def soft_slant(images: torch.Tensor) -> torch.Tensor:
    """slant()'s -mu11 / mu02 with the soft ink mask (N,), differentiable."""
    ink = soft_ink(images) * (images[:, 0] + 1) / 2
    height, width = ink.shape[1:]
    rows = torch.arange(height, dtype=ink.dtype, device=ink.device)[:, None].expand(height, width)
    cols = torch.arange(width, dtype=ink.dtype, device=ink.device)[None, :].expand(height, width)
    mass = ink.sum((1, 2)).clamp_min(1e-6)
    dy = rows - ((ink * rows).sum((1, 2)) / mass)[:, None, None]
    dx = cols - ((ink * cols).sum((1, 2)) / mass)[:, None, None]
    mu11, mu02 = (ink * dx * dy).sum((1, 2)) / mass, (ink * dy * dy).sum((1, 2)) / mass
    return -mu11 / mu02.clamp_min(1e-6)


def soft_thickness(images: torch.Tensor) -> torch.Tensor:
    """Stroke width as 2 x ink area / ink perimeter (N,), differentiable; tracks thickness()."""
    ink = torch.nn.functional.pad(soft_ink(images), (1, 1, 1, 1))
    across, down = ink[:, 1:, 1:] - ink[:, 1:, :-1], ink[:, 1:, 1:] - ink[:, :-1, 1:]
    perimeter = (across * across + down * down + 1e-6).sqrt().sum((1, 2))
    return 2 * ink.sum((1, 2)) / perimeter.clamp_min(1e-6)


SOFT_ATTRIBUTES: Registry[Callable[[torch.Tensor], torch.Tensor]] = Registry("attribute that can be held")
SOFT_ATTRIBUTES.register("thickness", soft_thickness)
SOFT_ATTRIBUTES.register("slant", soft_slant)
