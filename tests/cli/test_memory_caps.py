"""Requests too big for memory are refused up front in one line (how much, how much is free, how to
split), never attempted: sample --num, mix --rows/--cols, interpolate --steps, --scale, --batch-size."""

from __future__ import annotations

from pathlib import Path

import pytest

from ganforge.cli.main import main
from ganforge.training import train
from ganforge.utils import memory

TINY_STYLEGAN2 = """
family = "stylegan2"
data = "mnist-5k"
[model]
resolution = 8
z_dim = 8
w_dim = 8
mapping_layers = 1
channel_base = 32
channel_max = 8
[preprocess]
load_size = 8
[train]
steps = 1
batch_size = 4
sample_every = 0
"""


@pytest.fixture(scope="module")
def style_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("caps")
    (root / "sg.toml").write_text(TINY_STYLEGAN2)
    train(str(root / "sg.toml"), out=root / "run", device="cpu", progress=False)
    return root / "run"


def refused(argv: list[str], capsys) -> str:
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("num", [10**9, 10**7])
def test_sample_num_beyond_memory(tmp_path: Path, capsys, num: int):
    line = refused(["sample", "--model", "mnist-cgan", "--num", str(num), "--out", str(tmp_path / "x.npz")], capsys)
    assert f"--num {num:,} would need at least" in line and "ask for at most" in line
    assert not (tmp_path / "x.npz").exists()


def test_the_cap_follows_free_memory(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 64 << 20)  # a machine with 64 MB free
    line = refused(["sample", "--model", "mnist-cgan", "--num", "20000", "--out", str(tmp_path / "x.npz")], capsys)
    assert "64 MB free" in line
    assert main(["sample", "--model", "mnist-cgan", "--num", "100", "--out", str(tmp_path / "y.png")]) == 0


@pytest.mark.parametrize("args, reason", [
    (["--rows", "1-100000000", "--cols", "1"], "more than 1,000,000 seeds"),
    (["--rows", "1-900000", "--cols", "1-900000"], "mix would need at least"),
    (["--rows", "1", "--cols", "2", "--scale", "100000"], "--scale 100000: enlarge 1 to 32"),
    (["--rows", "1", "--cols", "2", "--scale", "0"], "--scale 0"),
])
def test_mix_beyond_memory(style_run: Path, tmp_path: Path, capsys, args, reason):
    line = refused(["mix", "--checkpoint", str(style_run), *args, "--out", str(tmp_path / "m.png")], capsys)
    assert reason in line and not (tmp_path / "m.png").exists()


def test_interpolate_beyond_memory(style_run: Path, tmp_path: Path, capsys):
    line = refused(["interpolate", "--checkpoint", str(style_run), "--seeds", "1,2", "--steps", str(10**12),
                    "--out", str(tmp_path / "w.gif")], capsys)
    assert "frames" in line and "would need at least" in line


def test_batch_size_beyond_memory(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 16 << 20)  # 16 MB free: 8 MB for the request
    line = refused(["train", "mnist-cgan", "--batch-size", "2000", "--steps", "1", "--out", str(tmp_path / "r"),
                    "--device", "cpu"], capsys)
    assert "--batch-size 2,000 would need at least" in line and not (tmp_path / "r").exists()
