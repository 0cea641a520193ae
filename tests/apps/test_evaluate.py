"""`evaluate` end to end with the quick 'digits' feature network: real behaviour on real digits."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from ganforge.apps.evaluate import evaluate
from ganforge.data import load_dataset
from ganforge.errors import GanforgeError


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path / "cache"))


def _npz(path, images, labels=None):
    arrays = {"images": images} if labels is None else {"images": images, "labels": labels}
    np.savez(path, **arrays)
    return path


def test_shipped_conditional_model_is_judged_on_every_axis(tmp_path):
    result = evaluate(model="mnist-cgan", features="digits", num=500, out=tmp_path / "r.json")
    values = result["metrics"]
    assert set(values) >= {"fid", "kid", "precision", "recall", "density", "coverage", "memorisation",
                           "class_accuracy", "intra_fid"}
    assert values["class_accuracy"] > 0.95  # it draws the digit it is asked for
    assert values["memorisation"] < 0.15  # and does not copy its training digits
    protocol = json.loads((tmp_path / "r.json").read_text())["protocol"]
    assert protocol["real"] == {"data": "mnist-5k", "split": "heldout", "n": 1000, "cache": "miss"}
    assert protocol["train"]["n"] == 4000 and protocol["fake"]["n"] == 500 and protocol["fake"]["step"] == 3000
    assert len(protocol["features"]["sha256"]) == 64 and protocol["ganforge_version"]
    assert any("Inception Score" in note for note in protocol["notes"])
    again = evaluate(model="mnist-cgan", features="digits", num=500, metrics=["fid"])
    assert again["protocol"]["real"]["cache"] == "hit"
    assert again["metrics"]["fid"] == pytest.approx(values["fid"])


def test_copies_of_the_training_set_are_caught_and_real_data_scores_best(tmp_path):
    train, heldout = load_dataset("mnist-5k", "train"), load_dataset("mnist-5k", "heldout")
    copies = _npz(tmp_path / "copies.npz", train.images[:500])
    fresh = _npz(tmp_path / "fresh.npz", heldout.images[500:])
    noisy_images = np.clip(heldout.images[500:].astype(int) + np.random.default_rng(0).integers(-60, 60, (500, 28, 28, 1)), 0, 255)
    noisy = _npz(tmp_path / "noisy.npz", noisy_images.astype(np.uint8))
    options = {"real": "mnist-5k", "features": "digits", "metrics": ["fid", "memorisation"]}
    copied = evaluate(fake=copies, **options)["metrics"]
    real = evaluate(fake=fresh, **options)["metrics"]
    degraded = evaluate(fake=noisy, **options)["metrics"]
    assert copied["memorisation"] > 0.9 and real["memorisation"] < 0.15
    assert real["fid"] < degraded["fid"]


def test_labels_of_an_npz_allow_class_accuracy(tmp_path):
    heldout = load_dataset("mnist-5k", "heldout")
    wrong = (heldout.labels + 1) % 10  # every label off by one
    result = evaluate(fake=_npz(tmp_path / "f.npz", heldout.images, wrong), real="mnist-5k", features="digits",
                      metrics=["class-accuracy"])
    assert result["metrics"]["class_accuracy"] < 0.05 and result["metrics"]["class_accuracy_real"] > 0.97


def test_bad_inputs_are_one_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(GanforgeError, match="no images in"):
        evaluate(fake=tmp_path / "empty", real="mnist-5k", features="digits")
    big = tmp_path / "big"
    big.mkdir()
    for index in range(3):
        Image.fromarray(np.full((32, 32), index * 50, np.uint8)).save(big / f"{index}.png")
    with pytest.raises(GanforgeError, match="generated images are 32x32 but real ones are 28x28"):
        evaluate(fake=big, real="mnist-5k", features="digits")
    with pytest.raises(GanforgeError, match="precision-recall needs at least 4"):
        evaluate(fake=_npz(tmp_path / "few.npz", np.zeros((3, 28, 28, 1), np.uint8)), real="mnist-5k",
                 features="digits", metrics=["precision-recall"])
    with pytest.raises(GanforgeError, match="--fake needs --real"):
        evaluate(fake=tmp_path / "empty")
    with pytest.raises(GanforgeError, match="exactly one of"):
        evaluate(model="mnist-cgan", fake=tmp_path / "empty")


def test_no_memorisation_against_a_split_that_holds_the_training_images():
    result = evaluate(model="mnist-cgan", features="digits", num=100, split="all")
    assert "memorisation" not in result["metrics"] and result["protocol"]["train"] is None
    assert result["protocol"]["real"]["n"] == 5000
