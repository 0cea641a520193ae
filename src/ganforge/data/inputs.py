"""The pictures users hand to a command: one image file or a folder of them (unreadable files skipped and said),
a black-and-white mask, and images converted to a model's channel count. Shared by the apps that take pictures
(translate, colourise, complete, upscale, edit, anomaly)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch

from ganforge.data.folder import IMAGE_SUFFIXES, read_image
from ganforge.data.translation import to_grayscale
from ganforge.errors import GanforgeError


def match_channels(images: torch.Tensor, channels: int) -> torch.Tensor:
    """(N, C, H, W) converted to `channels` (1: luma of RGB; 3: grayscale repeated)."""
    if images.shape[1] == channels:
        return images
    if channels == 1 and images.shape[1] == 3:
        return to_grayscale(images)
    if channels == 3 and images.shape[1] == 1:
        return images.repeat(1, 3, 1, 1)
    raise GanforgeError(f"the model takes {channels}-channel images, not {images.shape[1]}-channel ones")


def say_skipped(message: str) -> None:
    """Print a skipped input's line on stderr (the default `on_skip`)."""
    print(message, file=sys.stderr)


def read_inputs(path: str | Path, on_skip: Callable[[str], None] = say_skipped, *,
                check: Callable[[Path], None] | None = None) -> Iterator[tuple[Path, np.ndarray]]:
    """(file, uint8 (H, W, C) image) for one image file, or for each file directly inside a folder.

    A single file that cannot be read (or that `check` refuses with a GanforgeError) is an error.
    In a folder, each file that is not a readable still image (another kind of file, an animated
    GIF, a truncated JPEG...) or that `check` refuses is skipped with one line through `on_skip`,
    and the rest go on; a folder with nothing usable is an error.
    """
    path = Path(path)

    def read(file: Path) -> np.ndarray:
        if check is not None:
            check(file)
        return read_image(file)

    if path.is_file():
        yield path, read(path)
        return
    if not path.is_dir():
        raise GanforgeError(f"{path} does not exist; pass an image file or a folder of images")
    used = skipped = 0
    for link in sorted(p for p in path.iterdir() if p.is_symlink() and not p.exists()):
        on_skip(f"skipped {link.name}: a symbolic link that leads nowhere (or round in a loop)")
        skipped += 1
    for file in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
        if file.suffix.lower() not in IMAGE_SUFFIXES:
            on_skip(f"skipped {file.name}: not an image file ({', '.join(sorted(IMAGE_SUFFIXES))})")
            skipped += 1
            continue
        try:
            image = read(file)
        except GanforgeError as error:
            on_skip(f"skipped {file.name}: {str(error).removeprefix(str(file) + ' ')}")
            skipped += 1
            continue
        used += 1
        yield file, image
    if not used:
        raise GanforgeError(f"no usable images in {path} ({skipped} file(s) skipped); pass an image file or a "
                            "folder of .png/.jpg files")


def read_mask(path: str | Path, size: tuple[int, int]) -> np.ndarray:
    """A mask image (white or any non-zero = missing) as bool (H, W); its size must be the image's."""
    if Path(path).is_dir():
        raise GanforgeError(f"--mask {path} is a folder; give one mask image (white = fill), the size of the inputs")
    mask = read_image(Path(path))
    if mask.shape[:2] != size:
        raise GanforgeError(
            f"mask {path} is {mask.shape[1]}x{mask.shape[0]} but the image is {size[1]}x{size[0]}; "
            "give a mask of the image's size"
        )
    if not np.all((mask < 32) | (mask > 223)):  # as the inversion path's masks (apps.edit.read_known)
        raise GanforgeError(f"mask {path} is not black and white (values between 32 and 223 found); paint the "
                            "hole white and the rest black")
    holes = mask.max(axis=2) > 127
    if holes.all() or not holes.any():
        raise GanforgeError(f"mask {path} marks {'every' if holes.all() else 'no'} pixel as missing; paint the hole "
                            "white and the rest black")
    return holes
