"""How well a colouriser coloured: measures of uint8 RGB images against the true colours, beside
PSNR/SSIM (which the kept lightness dominates).

    psnr_ab        PSNR of the chroma a*, b* alone (CIE Lab, D65), peak 220: the span of
                   a*, b* in [-110, 110] that colourisers predict (Zhang et al. 2016)
    colourfulness  Hasler & Süsstrunk (2003): sqrt(var(rg) + var(yb)) + 0.3 sqrt(mean(rg)^2 + mean(yb)^2)
                   with rg = R - G, yb = (R + G) / 2 - B on 0..255 values; ~0 for gray, ~15 "slightly",
                   ~33 "moderately", ~59 "quite", ~109 "extremely" colourful
    hue_accuracy   among the pixels whose true chroma C* = |(a*, b*)| is at least SATURATED_CHROMA,
                   the share where the result has chroma of at least VISIBLE_CHROMA and a hue angle
                   within HUE_TOLERANCE degrees of the truth's (a gray result scores 0)
Each takes (result, truth) except colourfulness, which takes one image; COLOUR_METRICS holds them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ganforge.registry import Registry
from ganforge.utils.colour import CHROMA_SCALE, rgb_to_lab

AB_PEAK = 2 * CHROMA_SCALE  # the span of predicted a*, b*
SATURATED_CHROMA = 20.0  # C* above which the truth's hue is clearly visible
VISIBLE_CHROMA = 5.0  # C* below which a result pixel is gray, whatever its hue angle
HUE_TOLERANCE = 30.0  # degrees


def _checked(image: np.ndarray, truth: np.ndarray) -> None:
    if image.shape != truth.shape or image.dtype != np.uint8 or truth.dtype != np.uint8 or image.shape[-1] != 3:
        raise ValueError(f"need two uint8 RGB images of one shape, got {image.dtype} {image.shape} and "
                         f"{truth.dtype} {truth.shape}")


def psnr_ab(image: np.ndarray, truth: np.ndarray) -> float:
    """PSNR in dB of the a*b* channels of uint8 (H, W, 3) `image` against `truth` (inf when equal)."""
    _checked(image, truth)
    mse = np.mean((rgb_to_lab(image)[..., 1:].astype(np.float64) - rgb_to_lab(truth)[..., 1:]) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(AB_PEAK**2 / mse))


def colourfulness(image: np.ndarray) -> float:
    """Hasler & Süsstrunk's colourfulness of a uint8 (H, W, 3) image (0 for any gray image)."""
    rgb = image.astype(np.float64)
    rg = rgb[..., 0] - rgb[..., 1]
    yb = 0.5 * (rgb[..., 0] + rgb[..., 1]) - rgb[..., 2]
    return float(np.sqrt(rg.var() + yb.var()) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2))


def hue_accuracy(image: np.ndarray, truth: np.ndarray) -> float:
    """Share of the truth's saturated pixels whose hue the result gets within HUE_TOLERANCE degrees
    (nan when the truth has no saturated pixel)."""
    _checked(image, truth)
    ab, ab_true = rgb_to_lab(image)[..., 1:], rgb_to_lab(truth)[..., 1:]
    saturated = np.hypot(ab_true[..., 0], ab_true[..., 1]) >= SATURATED_CHROMA
    if not saturated.any():
        return float("nan")
    hue = np.degrees(np.arctan2(ab[..., 1], ab[..., 0]))
    hue_true = np.degrees(np.arctan2(ab_true[..., 1], ab_true[..., 0]))
    difference = np.abs((hue - hue_true + 180) % 360 - 180)
    hit = (difference <= HUE_TOLERANCE) & (np.hypot(ab[..., 0], ab[..., 1]) >= VISIBLE_CHROMA)
    return float(hit[saturated].mean())


COLOUR_METRICS: Registry[Callable[..., float]] = Registry("colour metric")
COLOUR_METRICS.register("psnr_ab", psnr_ab)
COLOUR_METRICS.register("colourfulness", colourfulness)
COLOUR_METRICS.register("hue_accuracy", hue_accuracy)
