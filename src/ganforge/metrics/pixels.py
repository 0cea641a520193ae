"""Pixel-level agreement with a known truth: PSNR and SSIM (Wang et al. 2004) through
scikit-image, with the usual settings (data range 255, 11x11 Gaussian window of sigma 1.5,
population covariances, colour channels averaged)."""

from __future__ import annotations

import numpy as np

from ganforge.errors import GanforgeError


def _checked(image: np.ndarray, truth: np.ndarray) -> None:
    if image.shape != truth.shape or image.dtype != np.uint8 or truth.dtype != np.uint8:
        raise ValueError(f"need two uint8 images of one shape, got {image.dtype} {image.shape} and {truth.dtype} {truth.shape}")


def psnr(image: np.ndarray, truth: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of uint8 (H, W, C) `image` against `truth` (inf when equal)."""
    _checked(image, truth)
    mse = np.mean((image.astype(np.float64) - truth.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def ssim(image: np.ndarray, truth: np.ndarray) -> float:
    """Structural similarity of uint8 (H, W, C) images (1 when equal)."""
    _checked(image, truth)
    try:
        from skimage.metrics import structural_similarity
    except ImportError:
        raise GanforgeError("SSIM needs scikit-image; run: pip install scikit-image") from None
    return float(structural_similarity(
        image, truth, data_range=255, channel_axis=2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
    ))
