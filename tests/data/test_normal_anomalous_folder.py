"""Users' own anomaly data: a folder of normal/ and anomalous/ images, split so that no test image
is trained on, and a detector trained and scored on it end to end."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from ganforge.data import has_heldout, load_dataset
from ganforge.data.oneclass import one_class
from tests.conftest import run_cli


def write_folder(root, normal: int = 20, anomalous: int = 6):
    rng = np.random.default_rng(0)
    for kind, count in (("normal", normal), ("anomalous", anomalous)):
        (root / kind).mkdir(parents=True)
        for index in range(count):
            image = np.zeros((28, 28), np.uint8)
            if kind == "normal":
                image[6:22, 12:16] = 255  # a bar
            else:
                image[rng.integers(0, 28, 60), rng.integers(0, 28, 60)] = 255  # speckle
            Image.fromarray(image).save(root / kind / f"{kind}-{index:02d}.png")
    return root


def test_the_split_keeps_every_anomalous_and_some_normal_images_out_of_training(tmp_path):
    folder = write_folder(tmp_path / "parts")
    train, heldout = load_dataset(str(folder), "train"), load_dataset(str(folder), "heldout")
    assert has_heldout(str(folder)) and train.class_names == ("normal", "anomalous")
    assert len(train) == 16 and set(train.labels.tolist()) == {0}
    assert len(heldout) == 4 + 6 and int((heldout.labels == 1).sum()) == 6
    train_pixels = {image.tobytes() for image in train.images}
    test = one_class(heldout, (0,), "test")
    assert test.labels.tolist().count(1) == 6
    assert len(load_dataset(str(folder), "all")) == 26
    assert not any(image.tobytes() in train_pixels for image in heldout.images[heldout.labels == 1])


def test_a_detector_trains_and_is_scored_on_such_a_folder(tmp_path):
    folder = write_folder(tmp_path / "parts")
    run = tmp_path / "run"
    result = run_cli("train", "autoencoder", "--data", str(folder), "--out", str(run), "--steps", "30",
                     "--batch-size", "8", "--no-progress")
    assert result.returncode == 0, result.stderr
    scores = tmp_path / "scores.json"
    result = run_cli("evaluate", "--checkpoint", str(run), "--out", str(scores))
    assert result.returncode == 0, result.stderr
    report = json.loads(scores.read_text())
    assert report["protocol"]["n_normal"] == 4 and report["protocol"]["n_anomalous"] == 6
    assert report["metrics"]["auroc"] > 0.9  # bars against speckle: an easy, real separation
