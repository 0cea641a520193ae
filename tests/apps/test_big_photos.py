"""Large photos with bounded memory (issue 49): a super-resolution model upscales a picture whose whole
pass would not fit in tiles chosen for it (the same result as whole); a model that sees the whole picture is
refused up front when it cannot fit; a Lab colouriser converts colours strip by strip (the same result).
The budgets are shrunk here so that small pictures exercise the big-picture paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from skimage import data as skimage_data

from ganforge.apps import translate as translate_module
from ganforge.apps.translate import colourise_image, load_translator, translate_files
from ganforge.errors import GanforgeError
from ganforge.utils.images import from_uint8, to_uint8

WEIGHTS = Path(translate_module.__file__).parents[1] / "weights"


@pytest.fixture(scope="module")
def upscaler():
    return load_translator(WEIGHTS / "srresnet-x4")


def test_the_estimate_is_per_pixel_and_bounds_a_real_pass(upscaler):
    per_pixel = upscaler.bytes_per_pixel()
    # 16 channels of 4x the pixels in float at the output alone: the estimate holds at least that much
    assert per_pixel >= 3 * 16 * 4
    assert upscaler.auto_tile(40, 40) == 0  # small: whole


def test_auto_tiles_give_the_whole_result_and_say_so(upscaler, tmp_path, monkeypatch):
    photo = np.asarray(Image.fromarray(skimage_data.astronaut()).resize((70, 53)))
    Image.fromarray(photo).save(tmp_path / "photo.png")
    whole = to_uint8(upscaler(from_uint8(photo[None])))[0]
    monkeypatch.setattr(translate_module, "TILE_BUDGET", upscaler.bytes_per_pixel() * 60 * 60)
    side = upscaler.auto_tile(53, 70)
    assert 0 < side < 53 and side % upscaler.multiple == 0
    notes: list[str] = []
    [written] = translate_files(WEIGHTS / "srresnet-x4", tmp_path / "photo.png", tmp_path / "out", on_skip=notes.append)
    assert np.array_equal(np.asarray(Image.open(written)), whole)
    assert len(notes) == 1 and f"in tiles of {side} pixels" in notes[0] and "70x53" in notes[0]


def test_a_whole_picture_model_is_refused_before_running_when_it_cannot_fit(tmp_path, monkeypatch):
    colouriser = load_translator(WEIGHTS / "colourise")
    assert colouriser.receptive_radius is None and colouriser.auto_tile(10_000, 10_000) == 0
    monkeypatch.setattr(translate_module, "available_bytes", lambda: 1 << 20)  # 1 MB free
    with pytest.raises(GanforgeError, match=r"a 512x512 picture would need about .* cannot be tiled: scale"):
        colouriser(torch.zeros(1, colouriser.in_channels, 512, 512))


def test_colour_conversion_in_strips_equals_whole(monkeypatch):
    colouriser = load_translator(WEIGHTS / "colourise")
    photo = np.asarray(Image.fromarray(skimage_data.coffee()).resize((90, 61)))
    whole = colourise_image(colouriser, photo)
    monkeypatch.setattr(translate_module, "STRIP_PIXELS", 90 * 7)  # 7 rows a strip, the last one shorter
    assert np.array_equal(colourise_image(colouriser, photo), whole)
