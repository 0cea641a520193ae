"""Truncation and latent walks for generators without a mapping network (dcgan): z pulled towards 0,
spherical walks between seeds' z, within a class for a conditional model. On the shipped faces-cgan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.apps.generate import generate, load_model
from ganforge.apps.style import interpolation_frames
from ganforge.cli.main import main
from ganforge.metrics.faces import face_attributes
from ganforge.utils.images import from_uint8


@pytest.fixture(scope="module")
def faces():
    return load_model(model="faces-cgan")


def test_truncation_narrows_the_variety_and_zero_gives_one_face(faces):
    full, _ = generate(faces, 32, label="female adult", seed=3)
    narrow, _ = generate(faces, 32, label="female adult", seed=3, truncation=0.5)
    zero, _ = generate(faces, 4, label="female adult", seed=3, truncation=0.0)
    assert narrow.std(0).mean() < 0.8 * full.std(0).mean()
    assert (zero - zero[:1]).abs().max() < 1e-5  # every z is 0: the same face
    assert not np.allclose(full.numpy(), narrow.numpy())


def test_z_walk_starts_and_ends_at_the_seeds_faces_within_the_class(faces):
    men, women = faces.class_names.index("male adult"), faces.class_names.index("female adult")
    frames = interpolation_frames(faces, [1, 2], steps=4, space="z", label=men)
    assert len(frames) == 8 and frames[0].shape == (64, 64, 3)
    first, _ = generate(faces, 1, label=men, seed=1)
    assert float((from_uint8(frames[0][None]) - first).abs().max()) < 2 / 255 + 1e-6  # frame 0 is seed 1's face
    women = interpolation_frames(faces, [1, 2], steps=4, space="z", label=women)
    read_male, read_female = (face_attributes(from_uint8(np.stack(walk)), ["sex"])["sex"] for walk in (frames, women))
    assert np.mean(read_female > read_male) >= 0.75  # the same walk asked for women is read as more female


def test_cli_walks_a_dcgan_and_refuses_w(tmp_path: Path, capsys):
    out = tmp_path / "walk.gif"
    assert main(["interpolate", "--model", "faces-cgan", "--label", "female adult", "--seeds", "1,2", "--steps", "2",
                 "--truncation", "0.8", "--out", str(out)]) == 0
    assert Image.open(out).n_frames == 4
    assert main(["interpolate", "--model", "faces-cgan", "--space", "w", "--seeds", "1,2", "--out",
                 str(tmp_path / "w.gif")]) == 2
    assert "only latent space is z" in capsys.readouterr().err
