"""Shared fixtures: tiny configs and real data, seeded."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

# train.precision "auto" picks bf16 on a CPU with native bf16: the suite runs as on a CPU without it, so
# its figures are the same on every machine; tests/training/test_precision.py fakes the detection both ways
os.environ.setdefault("GANFORGE_NATIVE_BF16", "0")

# A model small enough to train a few steps in well under a second on CPU.
TINY_TOML = """
preset = "mnist-cgan"

[model]
generator_channels = [16, 8]
discriminator_channels = [8, 16]
label_embed_dim = 4
latent_dim = 8

[train]
steps = 6
batch_size = 8
sample_every = 3
checkpoint_every = 3
log_every = 2
ema_decay = 0.9
"""


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    torch.set_num_threads(1)  # deterministic and fair on a 2-core CI machine


@pytest.fixture
def tiny_config(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_TOML)
    return path


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m ganforge ARGS` in a fresh process, capturing output."""
    full_env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ganforge", *args],
        check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env,
    )


def run_main(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`ganforge ARGS` run here by main(), as the console script runs it: the same exit status and output
    as run_cli without a new interpreter's seconds of imports, for the many refusals. An exception that
    escapes main() is printed as its traceback with status 1, as the interpreter would. (Warnings go to
    pytest, not stderr; run_cli still checks the real process.)"""
    from ganforge.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.update(env or {})
    try:
        if cwd is not None:
            os.chdir(cwd)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                status = main(list(args))
            except SystemExit as exit_:  # argparse's refusals
                status = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
            except Exception:  # noqa: BLE001 - reported as the interpreter would, and the caller's assert fails
                traceback.print_exc()
                status = 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["ganforge", *args], status, out.getvalue(), err.getvalue())


PHOTO = np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8)


def write_bad_images(folder: Path) -> dict[str, str]:
    """An animated GIF, a truncated JPEG and a text file in `folder`; name -> the reason it is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = [Image.fromarray(PHOTO), Image.fromarray(255 - PHOTO)]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:])
    Image.fromarray(PHOTO).save(folder / "cut.jpg", quality=95)
    data = (folder / "cut.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(data[: len(data) // 2])
    (folder / "notes.txt").write_text("not an image")
    return {"animated.gif": "animated (2 frames)", "cut.jpg": "not a readable image", "notes.txt": "not an image file"}
