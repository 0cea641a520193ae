"""Reading single image files: odd but valid formats are converted faithfully, broken or animated
ones are refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import PHOTO, write_bad_images
from PIL import Image

from ganforge.data.folder import read_image
from ganforge.errors import GanforgeError


def test_16_bit_grayscale_is_scaled_not_clipped(tmp_path: Path):
    values = np.linspace(0, 65535, 16 * 16).reshape(16, 16).astype(np.uint16)
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    image = read_image(tmp_path / "deep.png")
    assert image.shape == (16, 16, 1) and image.dtype == np.uint8
    assert np.abs(image[..., 0].astype(float) - values / 257).max() <= 0.5  # Pillow's convert("L") would clip at 255
    assert image.min() == 0 and image.max() == 255 and len(np.unique(image)) > 200


def test_palette_and_alpha_images_become_rgb(tmp_path: Path):
    Image.fromarray(PHOTO).convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(tmp_path / "palette.png")
    Image.fromarray(PHOTO).convert("RGBA").save(tmp_path / "alpha.png")
    palette = read_image(tmp_path / "palette.png")
    assert palette.shape == (24, 32, 3) and np.abs(palette.astype(int) - PHOTO).mean() < 40  # 64 colours
    assert np.array_equal(read_image(tmp_path / "alpha.png"), PHOTO)


def test_broken_and_animated_files_are_refused_in_one_line(tmp_path: Path):
    reasons = write_bad_images(tmp_path)
    for name in ("animated.gif", "cut.jpg"):
        with pytest.raises(GanforgeError, match=re.escape(reasons[name])) as error:
            read_image(tmp_path / name)
        assert "\n" not in str(error.value)


def test_images_above_the_pixel_limit_are_refused_before_decoding(tmp_path: Path):
    from ganforge.data.folder import MAX_PIXELS

    Image.new("1", (9000, 8000)).save(tmp_path / "huge.png")  # 72 M pixels in a small file
    assert 9000 * 8000 > MAX_PIXELS
    with pytest.raises(GanforgeError, match=r"9000x8000, more than ganforge's limit of 67,108,864 pixels"):
        read_image(tmp_path / "huge.png")


def test_exif_orientation_is_applied(tmp_path: Path):
    photo = np.zeros((20, 40, 3), np.uint8)
    photo[:, :10] = 255  # a white band on the left of a landscape image
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    Image.fromarray(photo).save(tmp_path / "turned.jpg", exif=exif, quality=95)
    shown = read_image(tmp_path / "turned.jpg")
    assert shown.shape == (40, 20, 3)  # portrait, as viewers show it
    assert shown[:10].mean() > 200 and shown[-10:].mean() < 50  # the band is now on top
