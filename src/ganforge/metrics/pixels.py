"""Pixel-level agreement with a known truth: PSNR and SSIM (Wang et al. 2004) through
scikit-image, with the usual settings (data range 255, 11x11 Gaussian window of sigma 1.5,
population covariances, colour channels averaged); and the super-resolution convention of
BasicSR's tables: both on the luma Y of ITU-R BT.601 YCbCr, with `crop_border` pixels (the scale)
cut from every side."""

from __future__ import annotations

import numpy as np

from ganforge.errors import GanforgeError


def _checked(image: np.ndarray, truth: np.ndarray) -> None:
    if image.shape != truth.shape or image.dtype != np.uint8 or truth.dtype != np.uint8:
        raise ValueError(f"need two uint8 images of one shape, got {image.dtype} {image.shape} and {truth.dtype} {truth.shape}")


def _psnr(image: np.ndarray, truth: np.ndarray) -> float:
    mse = np.mean((image.astype(np.float64) - truth.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def _ssim(image: np.ndarray, truth: np.ndarray) -> float:
    try:
        from skimage.metrics import structural_similarity
    except ImportError:
        raise GanforgeError("SSIM needs scikit-image; run: pip install scikit-image") from None
    return float(structural_similarity(
        image.astype(np.float64), truth.astype(np.float64), data_range=255, channel_axis=2, gaussian_weights=True,
        sigma=1.5, use_sample_covariance=False,
    ))


def psnr(image: np.ndarray, truth: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of uint8 (H, W, C) `image` against `truth` (inf when equal)."""
    _checked(image, truth)
    return _psnr(image, truth)


def ssim(image: np.ndarray, truth: np.ndarray) -> float:
    """Structural similarity of uint8 (H, W, C) images (1 when equal)."""
    _checked(image, truth)
    return _ssim(image, truth)


def luma(image: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) RGB -> float (H, W, 1) Y of BT.601 YCbCr in [16, 235], unrounded (as BasicSR);
    a grayscale (H, W, 1) image is returned as float."""
    if image.shape[2] == 1:
        return image.astype(np.float64)
    return (image.astype(np.float64) @ np.array([65.481, 128.553, 24.966]) / 255.0 + 16.0)[..., None]


def _y_cropped(image: np.ndarray, truth: np.ndarray, crop_border: int) -> tuple[np.ndarray, np.ndarray]:
    _checked(image, truth)
    if crop_border:
        image, truth = (x[crop_border:-crop_border, crop_border:-crop_border] for x in (image, truth))
    return luma(image), luma(truth)


def psnr_y(image: np.ndarray, truth: np.ndarray, crop_border: int = 0) -> float:
    """PSNR on the Y channel with `crop_border` pixels cut from each side (super-resolution tables)."""
    return _psnr(*_y_cropped(image, truth, crop_border))


def ssim_y(image: np.ndarray, truth: np.ndarray, crop_border: int = 0) -> float:
    """SSIM on the Y channel with `crop_border` pixels cut from each side (super-resolution tables)."""
    return _ssim(*_y_cropped(image, truth, crop_border))
