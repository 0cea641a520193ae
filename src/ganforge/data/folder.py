"""Folders of image files: one subfolder per class, or a flat folder of unlabelled images."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ganforge.data.base import ImageDataset
from ganforge.errors import GanforgeError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}
_MODES = {"L": 1, "RGB": 3}  # Pillow mode -> channels; other modes are converted to these
# the largest image ganforge decodes (8,192 x 8,192): above it a file is refused before its pixels are
# read, since one such image already takes 200 MB as uint8 RGB and far more as float tensors
MAX_PIXELS = 8192 * 8192


def _open(path: Path) -> Image.Image:
    """Image.open, with the size checked against MAX_PIXELS before any pixel is decoded (Pillow's own
    decompression-bomb warning is replaced by this one-line refusal)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except Image.DecompressionBombError:
            raise GanforgeError(f"{path} has more than {MAX_PIXELS:,} pixels, ganforge's limit; scale it down "
                                "first") from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise GanforgeError(f"{path} is {width}x{height}, more than ganforge's limit of {MAX_PIXELS:,} pixels; "
                            "scale it down (or cut it into parts) first")
    return image


def list_images(folder: Path) -> list[Path]:
    """Image files directly inside `folder`, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def read_image(path: Path) -> np.ndarray:
    """One still image file as uint8 (H, W, C) with C = 1 (grayscale) or 3 (colour).

    Palette and alpha images become RGB (or L); 16-bit grayscale is scaled to 8 bits (not clipped,
    as Pillow's own conversion does); animated images are refused rather than cut to one frame; a
    photo's EXIF orientation is applied (as viewers show it); above MAX_PIXELS it is refused.
    """
    try:
        with _open(path) as opened:
            frames = getattr(opened, "n_frames", 1)
            if frames > 1:
                raise GanforgeError(f"{path} is animated ({frames} frames); ganforge reads still images: "
                                    "save the frame you want as a PNG")
            opened.load()
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("I", "I;16", "I;16B", "I;16L"):  # 16-bit grayscale (PNG, TIFF)
                array = (np.asarray(image, dtype=np.float64) / 257).round().clip(0, 255).astype(np.uint8)
            else:
                if image.mode not in _MODES:
                    image = image.convert("L" if image.mode in ("1", "LA") else "RGB")
                array = np.asarray(image, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise GanforgeError(f"{path} is not a readable image ({error}); remove or replace it") from None
    return array[..., None] if array.ndim == 2 else array


def check_plain_image(path: Path) -> None:
    """Refuse, in one line, an image with an alpha channel or more than 8 bits per sample: tasks that
    must not guess what transparency or extra depth mean (colourisation) call this before reading."""
    try:
        with _open(path) as image:
            mode, transparent = image.mode, "transparency" in image.info
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise GanforgeError(f"{path} is not a readable image ({error}); remove or replace it") from None
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and transparent):
        raise GanforgeError(f"{path} has an alpha channel ({mode}); save it without transparency (RGB or L) first")
    if mode.startswith(("I", "F")) or mode in ("RGB;16", "RGBA;16"):
        raise GanforgeError(f"{path} has more than 8 bits per sample ({mode}); save an 8-bit copy first")


def folder_files(folder: str | Path) -> tuple[list[Path], np.ndarray | None, tuple[str, ...]]:
    """The image files of a folder (one subfolder per class, or flat), their labels (None when flat)
    and the class names; a missing or empty folder, or images beside class subfolders, is refused."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GanforgeError(f"data folder {folder} does not exist; pass an existing folder or a dataset name")
    class_dirs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if class_dirs and list_images(folder):  # a stray subfolder must not silently become the whole dataset
        raise GanforgeError(
            f"{folder} holds images and subfolders ({', '.join(d.name for d in class_dirs[:3])}); put every image "
            "in a subfolder per class, or move the subfolders out for a flat folder of unlabelled images"
        )
    if class_dirs:
        files = [(path, label) for label, d in enumerate(class_dirs) for path in list_images(d)]
    else:
        files = [(path, -1) for path in list_images(folder)]
    if not files:
        raise GanforgeError(
            f"no images in {folder}; put .png/.jpg files in it, or in one subfolder per class"
        )
    labels = np.array([label for _, label in files], dtype=np.int64) if class_dirs else None
    return [path for path, _ in files], labels, tuple(d.name for d in class_dirs)


def load_image_folder(folder: str | Path) -> ImageDataset:
    """Load every image under `folder`; subfolders become classes named after them."""
    files, labels, class_names = folder_files(folder)
    arrays, first = [], None
    for path in files:
        array = read_image(path)
        if first is None:
            first = (path, array.shape)
        elif array.shape != first[1]:
            raise GanforgeError(
                f"mixed image sizes or modes: {first[0].name} is {_describe(first[1])} but "
                f"{path.name} is {_describe(array.shape)}; convert all images to one size and mode"
            )
        arrays.append(array)
    return ImageDataset(str(folder), np.stack(arrays), labels, class_names)


def _describe(shape: tuple[int, ...]) -> str:
    height, width, channels = shape
    return f"{width}x{height} {'grayscale' if channels == 1 else 'RGB'}"
