"""The command line end to end on a tiny run, and every bad input as one line with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli, run_main
from PIL import Image


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    from conftest import TINY_TOML

    root = tmp_path_factory.mktemp("cli")
    (root / "tiny.toml").write_text(TINY_TOML)
    result = run_cli("train", str(root / "tiny.toml"), "--out", str(root / "run"), "--steps", "4",
                     "--device", "cpu", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert "finished step 4" in result.stdout and "sample grid" in result.stdout
    return root / "run"


def test_train_writes_everything_a_user_looks_at(tiny_run: Path):
    assert (tiny_run / "losses.png").exists()
    assert (tiny_run / "samples" / "step-00000004.png").exists()
    assert (tiny_run / "metrics.jsonl").read_text().count("\n") == 2
    assert list((tiny_run / "tensorboard").glob("events.out.tfevents.*"))


def test_sample_png_and_npz(tiny_run: Path, tmp_path: Path):
    result = run_cli("sample", "--checkpoint", str(tiny_run), "--num", "10", "--label", "3", "--out", str(tmp_path / "g.png"))
    assert result.returncode == 0, result.stderr
    assert Image.open(tmp_path / "g.png").size[0] > 28
    result = run_cli("sample", "--checkpoint", str(tiny_run), "--num", "25", "--out", str(tmp_path / "s.npz"))
    assert result.returncode == 0, result.stderr
    arrays = np.load(tmp_path / "s.npz")
    assert arrays["images"].shape == (25, 28, 28, 1) and arrays["images"].dtype == np.uint8
    assert arrays["labels"].tolist() == [i % 10 for i in range(25)]  # cycles evenly through classes


def test_same_seed_same_images(tiny_run: Path, tmp_path: Path):
    for name in ("a", "b"):
        run_cli("sample", "--checkpoint", str(tiny_run), "--num", "4", "--seed", "5", "--out", str(tmp_path / f"{name}.npz"))
    assert np.array_equal(np.load(tmp_path / "a.npz")["images"], np.load(tmp_path / "b.npz")["images"])


def test_info_models_export(tiny_run: Path, tmp_path: Path):
    info = run_cli("info", str(tiny_run))
    assert info.returncode == 0, info.stderr
    assert "step: 4" in info.stdout and "ConvTranspose" in info.stdout and "(1, 28, 28)" in info.stdout
    assert "mnist-5k" in info.stdout
    models = run_cli("models")
    assert "mnist-cgan" in models.stdout and "dcgan-64" in models.stdout
    exported = run_cli("export", str(tiny_run), "--out", str(tmp_path / "small"), "--half")
    assert exported.returncode == 0, exported.stderr
    again = run_cli("sample", "--checkpoint", str(tmp_path / "small"), "--num", "2", "--out", str(tmp_path / "x.png"))
    assert again.returncode == 0, again.stderr


def _bad(*args: str, cwd: Path | None = None) -> str:
    result = run_main(*args, cwd=cwd)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_bad_label_and_label_on_unconditional(tiny_run: Path, tmp_path: Path):
    assert "out of range" in _bad("sample", "--checkpoint", str(tiny_run), "--label", "12", "--out", str(tmp_path / "a.png"))
    unconditional = tmp_path / "u.toml"
    unconditional.write_text("preset = \"mnist-gan\"\n[model]\ngenerator_channels = [8, 4]\ndiscriminator_channels = [4, 8]\n"
                             "[train]\nsteps = 1\nbatch_size = 4\n")
    assert run_cli("train", str(unconditional), "--out", str(tmp_path / "u"), "--device", "cpu").returncode == 0
    assert "unconditional" in _bad("sample", "--checkpoint", str(tmp_path / "u"), "--label", "1", "--out", str(tmp_path / "b.png"))


def test_unknown_preset_and_typo_in_config(tmp_path: Path):
    assert "did you mean 'mnist-cgan'" in _bad("train", "mnist-cgn", "--out", str(tmp_path / "r"))
    config = tmp_path / "typo.toml"
    config.write_text("preset = \"mnist-gan\"\n[model]\nlatnt_dim = 64\n")
    assert "did you mean 'latent_dim'" in _bad("train", str(config), "--out", str(tmp_path / "r"))


def test_bad_data(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert "no images" in _bad("train", "mnist-gan", "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "r"))
    assert "does not exist" in _bad("train", "mnist-gan", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "r"))
    (tmp_path / "rgb").mkdir()
    for i in range(4):
        Image.new("RGB", (64, 64)).save(tmp_path / "rgb" / f"{i}.png")
    # photos of another size are resized to the model's (issue 44); four are still fewer than one batch
    assert "fewer than one batch" in _bad("train", "mnist-gan", "--data", str(tmp_path / "rgb"), "--out", str(tmp_path / "r"))
    assert "no class labels" in _bad("train", "mnist-cgan", "--data", str(tmp_path / "rgb"), "--out", str(tmp_path / "r"))


def test_checkpoint_of_another_model_is_refused(tiny_run: Path, tmp_path: Path):
    other = tmp_path / "other"
    import shutil

    shutil.copytree(tiny_run, other)
    state = (other / "checkpoints" / "step-00000004" / "state.json")
    state.write_text(state.read_text().replace('"latent_dim": 8', '"latent_dim": 16'))
    assert "do not fit this model" in _bad("sample", "--checkpoint", str(other), "--out", str(tmp_path / "a.png"))
    assert "not a ganforge checkpoint" in _bad("sample", "--checkpoint", str(tmp_path), "--out", str(tmp_path / "a.png"))


def test_unwritable_out_loses_nothing(tiny_run: Path, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    assert "choose a writable --out" in _bad("sample", "--checkpoint", str(tiny_run), "--out", str(blocker / "x.png"))
    assert blocker.read_text() == "keep me"
    assert "--resume" in _bad("train", "mnist-cgan", "--out", str(tiny_run), "--steps", "8")
    assert (tiny_run / "checkpoints" / "step-00000004").exists()


def test_usage_errors_are_one_line():
    assert "--num" in _bad("sample", "--model", "mnist-cgan", "--num", "many", "--out", "x.png")


def test_evaluate_prints_a_table_and_writes_the_protocol(tiny_run: Path, tmp_path: Path):
    env = {"GANFORGE_DATA": str(tmp_path / "cache")}
    result = run_cli("evaluate", "--checkpoint", str(tiny_run), "--features", "digits", "--num", "50",
                     "--metrics", "fid,class-accuracy", "--out", str(tmp_path / "r.json"), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("fid ") and "class_accuracy" in result.stdout
    assert "cache miss" in result.stdout and "Inception Score is not reported" in result.stdout
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["protocol"]["fake"]["n"] == 50 and saved["protocol"]["real"]["split"] == "heldout"


def test_evaluate_bad_input(tiny_run: Path, tmp_path: Path):
    assert "did you mean 'fid'" in _bad("evaluate", "--model", "mnist-cgan", "--metrics", "fdi")
    (tmp_path / "empty").mkdir()
    assert "no images" in _bad("evaluate", "--fake", str(tmp_path / "empty"), "--real", "mnist-5k")
    assert "--fake needs --real" in _bad("evaluate", "--fake", str(tmp_path / "empty"))
    (tmp_path / "rgb").mkdir()
    for index in range(6):
        Image.new("RGB", (28, 28), (index * 40, 0, 0)).save(tmp_path / "rgb" / f"{index}.png")
    assert "square grayscale images, not 28x28 with 3 channel" in _bad(
        "evaluate", "--fake", str(tmp_path / "rgb"), "--real", "mnist-5k", "--features", "digits")


def test_a_closed_pipe_ends_quietly():
    # the reader is gone before ganforge writes: no traceback, the Unix exit status of SIGPIPE
    process = subprocess.Popen([sys.executable, "-m", "ganforge", "models"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "0"})
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141 and "Traceback" not in stderr and "Exception" not in stderr
