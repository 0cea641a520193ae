"""Outputs never overwrite what the user has: the inputs of translate/colourise/upscale, a run or a
model folder (export). Each refusal is one line and leaves every file byte-identical."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli, run_main
from PIL import Image

from ganforge.training import train

TINY_CYCLE = ('preset = "cyclegan-digits"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\ndiscriminator_width = 4\n'
              '[train]\nsteps = 1\nbatch_size = 2\nsample_every = 0\n')
TINY_COLOURISE = ('preset = "colourise"\ndata = "skimage-photos"\n[model]\ngenerator_width = 4\nunet_depth = 5\n'
                  'discriminator_width = 4\n[preprocess]\nload_size = 48\ncrop_size = 32\n'
                  '[train]\nsteps = 1\nbatch_size = 2\nsample_every = 0\n')


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("safety")
    for name, text in (("colourise", TINY_COLOURISE), ("translate", TINY_CYCLE)):
        (root / f"{name}.toml").write_text(text)
        train(str(root / f"{name}.toml"), out=root / name, device="cpu", progress=False)
    return {name: root / name for name in ("colourise", "translate")}


def _photos(folder: Path) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)).save(folder / "a.png")
    Image.fromarray(rng.integers(0, 256, (20, 24), dtype=np.uint8)).save(folder / "b.png")
    return folder


@pytest.mark.parametrize("command", ["colourise", "translate"])
def test_out_equal_to_the_input_is_refused(runs: dict[str, Path], tmp_path: Path, command: str):
    photos = _photos(tmp_path / "photos")
    before = snapshot(tmp_path)
    for source, out in ((photos, photos), (photos / "a.png", photos)):
        done = run_main(command, "--checkpoint", str(runs[command]), "--input", str(source), "--out", str(out))
        assert done.returncode == 2 and "overwrite the input" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


def test_export_into_a_run_or_model_folder_is_refused(runs: dict[str, Path], tmp_path: Path):
    run = runs["colourise"]
    before = snapshot(run)
    for out in (run, run / "checkpoints", next((run / "checkpoints").glob("step-*"))):
        done = run_main("export", str(run), "--out", str(out))
        assert done.returncode == 2 and "would be overwritten" in done.stderr, done.stderr
    assert snapshot(run) == before
    done = run_cli("export", str(run), "--out", str(tmp_path / "exported"))
    assert done.returncode == 0, done.stderr
    again = run_cli("export", str(run), "--out", str(tmp_path / "exported"))  # a model folder now: not twice
    assert again.returncode == 2
