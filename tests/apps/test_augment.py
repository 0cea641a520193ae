"""`ganforge augment` writes a labelled set that --data reads back with the right labels, its filter
keeps only what the real-data classifier accepts, and CAS tells real-like samples from noise."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from ganforge.apps.augment import augment
from ganforge.data import load_dataset
from ganforge.errors import GanforgeError
from ganforge.metrics.cas import classification_accuracy_score
from ganforge.metrics.classifier import classify, load_classifier
from ganforge.models.pretrained import WEIGHTS_DIR


def _judge():
    return load_classifier(WEIGHTS_DIR / "mnist-classifier")


def test_the_folder_loads_back_with_its_labels(tmp_path: Path):
    manifest = augment(model="mnist-cgan", per_class=30, out=tmp_path / "synthetic", seed=1)
    data = load_dataset(str(tmp_path / "synthetic"))  # what `ganforge train --data` reads
    assert len(data) == 300 and data.class_names == tuple(str(k) for k in range(10))
    assert (np.bincount(data.labels) == 30).all()
    images, labels = data.batch(np.arange(len(data)))
    agreement = (classify(_judge(), images) == labels).float().mean().item()
    assert agreement > 0.9  # the shipped mnist-cgan draws the asked digit ~98.6 % of the time
    assert manifest["kept"] == 300 and manifest["filter"] is None and manifest["step"] > 0
    assert json.loads((tmp_path / "synthetic" / "manifest.json").read_text()) == manifest


def test_the_filter_keeps_only_what_the_classifier_accepts(tmp_path: Path):
    manifest = augment(model="mnist-cgan", per_class=20, out=tmp_path / "confident", filter_confidence=0.999)
    data = load_dataset(str(tmp_path / "confident"))
    images, labels = data.batch(np.arange(len(data)))
    with torch.no_grad():
        probability = _judge()(images).softmax(1)[torch.arange(len(labels)), labels]
    assert probability.min() > 0.99  # (re-scored from the 8-bit PNGs, so a hair below the threshold may pass)
    assert manifest["drawn"] >= manifest["accepted"] >= manifest["kept"] == 200


@pytest.mark.parametrize("options, reason", [
    ({"model": "mnist-gan", "per_class": 5}, "unconditional"),
    ({"model": "mnist-cgan", "per_class": 0}, "at least one image"),
    ({"model": "mnist-cgan", "per_class": 5, "filter_confidence": 1.0}, "between 0 and 1"),
    ({"model": "mnist-cgan", "per_class": 5, "filter_confidence": 0.0}, "between 0 and 1"),
])
def test_bad_requests_leave_nothing(tmp_path: Path, options: dict, reason: str):
    with pytest.raises(GanforgeError, match=reason):
        augment(out=tmp_path / "out", **options)
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_out_needs_overwrite(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(GanforgeError, match="not empty"):
        augment(model="mnist-cgan", per_class=2, out=tmp_path / "out")
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"
    augment(model="mnist-cgan", per_class=2, out=tmp_path / "out", overwrite=True)
    assert not (tmp_path / "out" / "keep.txt").exists() and len(list((tmp_path / "out").glob("*/*.png"))) == 20


@pytest.mark.slow
def test_cas_is_near_the_real_classifier_for_real_images_and_near_chance_for_noise():
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    rng = np.random.default_rng(0)
    pick = rng.permutation(len(train))[:1000]
    real_like = classification_accuracy_score(train.images[pick], train.labels[pick], heldout.images,
                                              heldout.labels, real_images=np.delete(train.images, pick, 0),
                                              real_labels=np.delete(train.labels, pick), steps=60)
    assert real_like["cas"] > 0.8 and abs(real_like["cas"] - real_like["cas_real"]) < 0.05
    noise = rng.integers(0, 256, (1000, 28, 28, 1), dtype=np.uint8)
    chance = classification_accuracy_score(noise, rng.integers(0, 10, 1000), heldout.images, heldout.labels, steps=60)
    assert chance["cas"] < 0.25
