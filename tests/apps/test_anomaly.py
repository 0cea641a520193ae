"""Anomaly detection on the one-class protocol: no anomalous image reaches training, scores are
finite and deterministic, a planted anomaly scores above normal images, and bad requests are one line."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import run_cli, run_main
from PIL import Image

from ganforge.apps.anomaly import evaluate_anomaly, load_detector, score_files
from ganforge.data import load_dataset, load_training_data
from ganforge.data.oneclass import VALIDATION_EVERY, one_class
from ganforge.data.translation import PreprocessConfig
from ganforge.errors import GanforgeError
from ganforge.training import train

TINY = {
    "ganomaly": "[model]\nwidth = 16\nlatent_dim = 32\n",
    "autoencoder": "[model]\nwidth = 8\nlatent_dim = 16\n",
    "deep-svdd": "[model]\nwidth = 8\nlatent_dim = 16\n",
    "fanogan": "[model]\nwidth = 16\nlatent_dim = 32\n[objective]\ngan_steps = 80\n",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("anomaly")
    out = {}
    for family, model in TINY.items():
        (root / f"{family}.toml").write_text(f'preset = "{family}"\n{model}[preprocess]\nnormal = [1]\n'
                                             "[train]\nsteps = 120\nbatch_size = 32\nsample_every = 0\n")
        train(str(root / f"{family}.toml"), out=root / family, device="cpu", progress=False, seed=0)
        out[family] = root / family
    return out


def test_the_one_class_split_never_trains_on_an_anomaly():
    data = load_dataset("mnist-5k", "train")
    training = load_training_data("images", "mnist-5k", preprocess=PreprocessConfig(normal=(3, 5)))
    assert set(np.unique(training.labels)) == {3, 5}
    validation = one_class(data, (3, 5), "validation")
    assert set(np.unique(validation.labels)) == {3, 5}
    assert len(training) + len(validation) == int(np.isin(data.labels, (3, 5)).sum())
    assert len(validation) == -(-int(np.isin(data.labels, (3, 5)).sum()) // VALIDATION_EVERY)
    # no image is in both: compare the pixels
    seen = {image.tobytes() for image in training.images}
    assert not any(image.tobytes() in seen for image in validation.images)
    test = one_class(load_dataset("mnist-5k", "heldout"), (3, 5), "test")
    assert len(test) == 1000 and test.labels.sum() == 800 and test.class_names == ("normal", "anomalous")


@pytest.mark.parametrize("family", sorted(TINY))
def test_scores_are_finite_deterministic_and_planted_anomalies_score_higher(runs: dict[str, Path], family: str):
    detector = load_detector(runs[family])
    ones = one_class(load_dataset("mnist-5k", "heldout"), (1,), "test")
    normal = ones.images[ones.labels == 0][:50]
    planted = 255 - normal  # an inverted digit 1 is nothing like the normal class
    first, again = detector(normal), detector(normal)
    assert np.isfinite(first).all() and np.array_equal(first, again)
    assert np.median(detector(planted)) > np.quantile(first, 0.9)


def test_evaluation_reports_auroc_from_the_test_split(runs: dict[str, Path], tmp_path: Path):
    result = evaluate_anomaly(runs["ganomaly"], out=tmp_path / "a.json", histogram=tmp_path / "h.png")
    metrics = result["metrics"]
    assert 0.5 < metrics["auroc"] <= 1 and 0 <= metrics["false_positive_rate"] <= 1
    assert result["protocol"]["n_normal"] == 100 and result["protocol"]["n_anomalous"] == 900
    assert (tmp_path / "a.json").is_file() and Image.open(tmp_path / "h.png").size[0] > 100


def test_scoring_files_converts_and_marks(runs: dict[str, Path], tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    ones = load_dataset("mnist-5k", "heldout")
    Image.fromarray(ones.images[ones.labels == 1][0, :, :, 0]).save(folder / "one.png")
    Image.fromarray(np.full((40, 30, 3), 200, np.uint8)).save(folder / "grey-colour.png")  # other size and mode
    result = score_files(runs["autoencoder"], folder, tmp_path / "scores.csv", threshold_fpr=0.05)
    rows = list(csv.DictReader((tmp_path / "scores.csv").read_text().splitlines()))
    assert [row["file"] for row in rows] == ["grey-colour.png", "one.png"] and result["count"] == 2
    assert float(rows[0]["score"]) > float(rows[1]["score"]) and rows[0]["anomalous"] == "1"
    notes = " ".join(result["notes"])
    assert "grayscale" in notes and ("resized" in notes or "squares of one size" in notes)


def test_bad_requests(runs: dict[str, Path], tmp_path: Path):
    with pytest.raises(GanforgeError, match="--normal 12: mnist-5k has classes 0 to 9"):
        load_training_data("images", "mnist-5k", preprocess=PreprocessConfig(normal=(12,)))
    with pytest.raises(GanforgeError, match="names every class"):
        load_training_data("images", "mnist-5k", preprocess=PreprocessConfig(normal=tuple(range(10))))
    with pytest.raises(GanforgeError, match="between 0 and 1"):
        score_files(runs["deep-svdd"], tmp_path, tmp_path / "s.csv", threshold_fpr=1.5)
    (tmp_path / "empty").mkdir()
    done = run_main("anomaly", "--checkpoint", str(runs["deep-svdd"]), "--input", str(tmp_path / "empty"),
                   "--out", str(tmp_path / "s.csv"))
    assert done.returncode == 2 and "no usable images" in done.stderr and "Traceback" not in done.stderr
    sampled = run_cli("sample", "--checkpoint", str(runs["ganomaly"]), "--out", str(tmp_path / "x.png"))
    assert sampled.returncode == 2 and "scores images instead of drawing them" in sampled.stderr


def test_fanogan_trains_its_gan_then_only_its_encoder(tmp_path: Path):
    from safetensors.torch import load_file

    from ganforge.models.anomaly import AnomalyConfig
    from ganforge.objectives.anomaly import FAnoGANObjective, FAnoGANObjectiveConfig

    objective = FAnoGANObjective(FAnoGANObjectiveConfig(gan_steps=6, critic_steps=5), AnomalyConfig())
    due = {step: [phase.name for phase in objective.phases if phase.due(step)] for step in (0, 1, 5, 6, 7)}
    assert due == {0: ["D", "G"], 1: ["D"], 5: ["D", "G"], 6: ["E"], 7: ["E"]}
    (tmp_path / "f.toml").write_text('preset = "fanogan"\n[model]\nwidth = 8\nlatent_dim = 8\n[objective]\n'
                                     "gan_steps = 2\n[preprocess]\nnormal = [1]\n[train]\nsteps = 4\nbatch_size = 8\n"
                                     "sample_every = 0\ncheckpoint_every = 2\nkeep_checkpoints = 3\n")
    train(str(tmp_path / "f.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    at = {step: load_file(tmp_path / "run" / "checkpoints" / f"step-{step:08d}" / "model.safetensors") for step in (2, 4)}
    for role in ("generator", "discriminator"):  # fixed in the encoder's stage, batch-norm statistics included
        keys = [k for k in at[2] if k.startswith(role + ".")]
        assert keys and all(torch.equal(at[2][k], at[4][k]) for k in keys), role
    assert any(not torch.equal(at[2][k], at[4][k]) for k in at[2] if k.startswith("encoder."))
