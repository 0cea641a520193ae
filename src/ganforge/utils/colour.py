"""CIE Lab colour for colourisation, through scikit-image's rgb2lab / lab2rgb (D65, sRGB).

A colouriser sees the lightness L* and predicts the chroma a*, b*; the image is put back together
from the input's own L* and the predicted chroma, so its structure is kept by construction
(Zhang, Isola & Efros 2016). Networks work on normalised values:
    L  in [0, 100]           ->  L / 50 - 1            in [-1, 1]
    ab in about [-110, 110]  ->  ab / 110              in about [-1, 1] (Zhang et al.'s bound)
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import torch

LIGHTNESS_SCALE = 50.0  # L* / 50 - 1 is in [-1, 1]
CHROMA_SCALE = 110.0  # |a*|, |b*| of sRGB colours stay below ~110


def _skimage_color():
    from skimage import color  # a core dependency; imported late because it is slow to import

    return color


def as_rgb(image: np.ndarray) -> np.ndarray:
    """uint8 (..., H, W, C) with C 1 or 3 -> (..., H, W, 3): grayscale repeated."""
    return np.repeat(image, 3, axis=-1) if image.shape[-1] == 1 else image


def rgb_to_lab(images: np.ndarray) -> np.ndarray:
    """uint8 (..., H, W, 3) sRGB (or (..., H, W, 1) gray) -> float32 (..., H, W, 3) L*a*b*."""
    return _skimage_color().rgb2lab(as_rgb(images).astype(np.float64) / 255.0).astype(np.float32)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """float (..., H, W, 3) L*a*b* -> uint8 (..., H, W, 3) sRGB; colours outside sRGB are clipped."""
    with warnings.catch_warnings():  # its note on clipped impossible colours: the clipping is documented here
        warnings.simplefilter("ignore", UserWarning)
        rgb = _skimage_color().lab2rgb(np.asarray(lab, dtype=np.float64))
    return (rgb * 255.0).round().clip(0, 255).astype(np.uint8)


def compose(lightness: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """L* (..., H, W) and a*b* (..., H, W, 2) -> uint8 (..., H, W, 3) sRGB."""
    return lab_to_rgb(np.concatenate([lightness[..., None], chroma], axis=-1))


GAMUT_STEPS = 12  # bisection steps of gamut_chroma: the scale is found to 1/4096
GAMUT_TOLERANCE = 1e-3  # linear-RGB slack still counted as inside sRGB


def _linear_rgb(lightness: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    from skimage.color.colorconv import rgb_from_xyz

    with warnings.catch_warnings():  # lab2xyz warns when it clips impossible colours; they are what we look for
        warnings.simplefilter("ignore")
        xyz = _skimage_color().lab2xyz(np.concatenate([lightness[..., None], chroma], axis=-1))
    return xyz @ rgb_from_xyz.T


def gamut_chroma(lightness: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """a*b* (..., 2) scaled down per pixel, hue kept, just enough that (L*, a*, b*) exists in sRGB, so that
    compose() keeps L* instead of clipping R, G or B (which moves the lightness); colours inside are unchanged."""
    chroma = np.asarray(chroma, dtype=np.float64)

    def inside(scale: np.ndarray) -> np.ndarray:
        rgb = _linear_rgb(lightness, chroma * scale[..., None])
        return ((rgb >= -GAMUT_TOLERANCE) & (rgb <= 1 + GAMUT_TOLERANCE)).all(axis=-1)

    ones = np.ones(lightness.shape)
    if inside(ones).all():
        return chroma
    low, high = np.zeros(lightness.shape), ones
    for _ in range(GAMUT_STEPS):
        middle = (low + high) / 2
        ok = inside(middle)
        low, high = np.where(ok, middle, low), np.where(ok, high, middle)
    return chroma * np.where(inside(ones), 1.0, low)[..., None]


def gray_from_lightness(lightness: torch.Tensor) -> torch.Tensor:
    """Normalised lightness (N, 1, H, W) -> the sRGB gray of that L* with no chroma, (N, 1, H, W) in [0, 1]
    (the CIE inverse of L*, then the sRGB transfer curve): compose(L, 0) without rounding, in torch."""
    light = ((lightness + 1) * LIGHTNESS_SCALE).clamp(0, 100)
    luminance = torch.where(light > 8, ((light + 16) / 116) ** 3, light / (24389 / 27))
    return torch.where(luminance <= 0.0031308, 12.92 * luminance,
                       1.055 * luminance.clamp_min(0.0031308) ** (1 / 2.4) - 0.055).clamp(0, 1)


def normalise_lab(lab: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """float (N, H, W, 3) L*a*b* -> the networks' (N, 1, H, W) lightness and (N, 2, H, W) chroma."""
    tensor = torch.from_numpy(np.ascontiguousarray(lab)).permute(0, 3, 1, 2).float()
    return tensor[:, :1] / LIGHTNESS_SCALE - 1, tensor[:, 1:] / CHROMA_SCALE


def lab_tensors_to_rgb(lightness: torch.Tensor, chroma: torch.Tensor | None) -> torch.Tensor:
    """Normalised (N, 1, H, W) lightness and (N, 2, H, W) chroma (None: grey) -> (N, 3, H, W) RGB in [-1, 1]."""
    light = ((lightness.detach().float().cpu()[:, 0] + 1) * LIGHTNESS_SCALE).clamp(0, 100).numpy()
    if chroma is None:
        ab = np.zeros(light.shape + (2,), np.float32)
    else:
        ab = (chroma.detach().float().cpu() * CHROMA_SCALE).permute(0, 2, 3, 1).numpy()
    rgb = compose(light, ab)
    return torch.from_numpy(rgb).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


CHROMA_BIN = 10.0  # side of a quantised a*b* cell (Zhang et al.: 313 cells of 10 x 10 in ImageNet's gamut)
_GAMUT_SAMPLES = 64  # levels per R, G, B channel when listing the a*b* cells sRGB reaches


@functools.cache
def chroma_bin_centres() -> np.ndarray:
    """float32 (Q, 2): centres (multiples of CHROMA_BIN) of the a*b* cells that some sRGB colour falls in,
    at any lightness; Q = 261 (Zhang et al. kept the 313 cells ImageNet's colours reach)."""
    levels = np.linspace(0.0, 1.0, _GAMUT_SAMPLES)
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 1, 3)
    chroma = _skimage_color().rgb2lab(rgb)[:, 0, 1:]
    cells = np.unique(np.round(chroma / CHROMA_BIN).astype(np.int64), axis=0)
    return (cells * CHROMA_BIN).astype(np.float32)


def annealed_mean(logits: torch.Tensor, centres: torch.Tensor, temperature: float) -> torch.Tensor:
    """Zhang et al.'s decoding of a per-pixel distribution over a*b* cells: logits (B, Q, H, W) and cell
    centres (Q, 2) -> (B, 2, H, W), the mean of softmax(logits / T). T = 1 is the plain mean (greyish where
    the model hesitates), T -> 0 the mode (vivid, patchy); the paper's 0.38 sits between."""
    weights = torch.softmax(logits / temperature, dim=1)
    return torch.einsum("bqhw,qc->bchw", weights, centres.to(weights.dtype))
