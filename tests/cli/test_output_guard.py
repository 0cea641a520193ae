"""The shared output guard (ganforge.utils.outputs), on every command that writes: an output inside a
model or checkpoint, one of a run's own files, an input, a folder holding an input, the model or the
current directory, or an existing file without --overwrite: refused in one line, exit 2, nothing touched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.cli.main import COMMANDS
from ganforge.training import train
from tests.conftest import TINY_TOML, run_main


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """runs/cgan (a tiny conditional GAN, 2 steps), in/digits (four 28x28 PNGs), in/photos (two RGB)."""
    root = tmp_path_factory.mktemp("guard")
    (root / "tiny.toml").write_text(TINY_TOML)
    train(str(root / "tiny.toml"), out=root / "runs" / "cgan", steps=2, device="cpu", progress=False)
    rng = np.random.default_rng(0)
    for folder, shape in (("digits", (28, 28)), ("photos", (64, 96, 3))):
        (root / "in" / folder).mkdir(parents=True)
        for index in range(4 if folder == "digits" else 2):
            Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8)).save(root / "in" / folder / f"d{index}.png")
    return root


def _checkpoint(work: Path) -> Path:
    return next((work / "runs" / "cgan" / "checkpoints").glob("step-*"))


# one argv per command that writes, with OUT where its output path goes
ARGVS = {
    "anomaly": ["--checkpoint", "RUN", "--input", "DIGITS", "--out", "OUT"],
    "augment": ["--checkpoint", "RUN", "--per-class", "1", "--out", "OUT"],
    "colourise": ["--model", "colourise", "--input", "PHOTOS", "--out", "OUT"],
    "combine": ["--checkpoint", "RUN", "--structure", "DIGITS/d0.png", "--style", "DIGITS/d1.png", "--out", "OUT"],
    "complete": ["--checkpoint", "RUN", "--input", "DIGITS", "--mask", "DIGITS/d0.png", "--out", "OUT"],
    "directions": ["--checkpoint", "RUN", "--method", "sefa", "--out", "OUT"],
    "edit": ["--checkpoint", "RUN", "--input", "DIGITS", "--direction", "dirs.safetensors:0", "--out", "OUT"],
    "evaluate": ["--checkpoint", "RUN", "--out", "OUT"],
    "export": ["RUN", "--out", "OUT"],
    "interpolate": ["--checkpoint", "RUN", "--seeds", "1,2", "--out", "OUT"],
    "invert": ["--checkpoint", "RUN", "--input", "DIGITS", "--out", "OUT"],
    "make-data": ["digit-styles", "--out", "OUT"],
    "mix": ["--checkpoint", "RUN", "--rows", "1", "--cols", "2", "--out", "OUT"],
    "sample": ["--checkpoint", "RUN", "--out", "OUT"],
    "say": ["--checkpoint", "RUN", "--digit", "1", "--out", "OUT"],
    "translate": ["--checkpoint", "RUN", "--input", "PHOTOS", "--out", "OUT"],
    "upscale": ["--model", "srresnet-x4", "--input", "PHOTOS", "--out", "OUT"],
    "write": ["--checkpoint", "RUN", "--num", "2", "--out", "OUT"],
    "compose": ["--checkpoint", "RUN", "--num", "2", "--out", "OUT"],
    "animate": ["--checkpoint", "RUN", "--num", "2", "--out", "OUT"],
}


def _argv(command: str, work: Path, out: Path) -> list[str]:
    names = {"RUN": str(work / "runs" / "cgan"), "DIGITS": str(work / "in" / "digits"),
             "PHOTOS": str(work / "in" / "photos"), "OUT": str(out)}
    argv = []
    for value in ARGVS[command]:
        head, _, tail = value.partition("/")
        argv.append(names[head] + ("/" + tail if tail else "") if head in names else value)
    return [command, *argv]


def test_every_command_that_writes_is_guarded():
    writers = {command.NAME for command in COMMANDS if getattr(command, "OUTPUTS", None)}
    assert writers == set(ARGVS)


@pytest.mark.parametrize("command", sorted(ARGVS))
def test_no_command_writes_into_a_checkpoint(work: Path, command: str):
    checkpoint = _checkpoint(work)
    before = snapshot(work)
    target = checkpoint / "model.safetensors" if command in ("directions", "sample", "evaluate", "anomaly", "mix",
                                                             "interpolate", "write") else checkpoint
    done = run_main(*_argv(command, work, target), "--overwrite")
    assert done.returncode == 2, done.stderr
    assert "would be overwritten" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert snapshot(work) == before


@pytest.mark.parametrize("command, out, message", [
    ("directions", "CKPT/model.safetensors", "inside the ganforge model"),
    ("evaluate", "CKPT/state.json", "inside the ganforge model"),
    ("anomaly", "DIGITS/d0.png", "is an input of this command"),
    ("evaluate", "RUNDIR/metrics.jsonl", "files training keeps"),
    ("augment", "RUNS", "holds the input"),
    ("translate", "IN", "holds the input"),
    ("sample", "DIGITS/d1.png", "exists; add --overwrite"),
])
def test_outputs_that_would_lose_data_are_refused(work: Path, command: str, out: str, message: str):
    paths = {"CKPT": _checkpoint(work), "DIGITS": work / "in" / "digits", "RUNDIR": work / "runs" / "cgan",
             "RUNS": work / "runs", "IN": work / "in"}
    head, _, tail = out.partition("/")
    before = snapshot(work)
    done = run_main(*_argv(command, work, paths[head] / tail if tail else paths[head]),
                    *(["--overwrite"] if command == "augment" else []))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and snapshot(work) == before


def test_overwrite_never_deletes_the_current_folder(work: Path, tmp_path: Path):
    (tmp_path / "keep.txt").write_text("mine")
    done = run_main(*_argv("augment", work, Path(".")), "--overwrite", cwd=tmp_path)
    assert done.returncode == 2 and "holds the current directory" in done.stderr, done.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_an_existing_output_file_is_replaced_only_with_overwrite(work: Path, tmp_path: Path):
    out = tmp_path / "grid.png"
    assert run_main(*_argv("sample", work, out), "--num", "4").returncode == 0
    first = out.read_bytes()
    refused = run_main(*_argv("sample", work, out), "--num", "4", "--seed", "1")
    assert refused.returncode == 2 and "exists; add --overwrite" in refused.stderr and out.read_bytes() == first
    assert run_main(*_argv("sample", work, out), "--num", "4", "--seed", "1", "--overwrite").returncode == 0
    assert out.read_bytes() != first


@pytest.mark.parametrize("command", ["invert", "edit"])
def test_invert_and_edit_name_their_files_so_a_second_run_is_refused(work: Path, tmp_path: Path, command: str):
    out = tmp_path / "out"
    argv = _argv(command, work, out)
    if command == "edit":  # samples by seed: seed0001.png, seed0002.png
        directions = tmp_path / "dirs.safetensors"
        assert run_main("directions", "--checkpoint", str(work / "runs" / "cgan"), "--method", "sefa", "--out",
                        str(directions)).returncode == 0
        argv = ["edit", "--checkpoint", str(work / "runs" / "cgan"), "--seed", "1,2", "--direction",
                f"{directions}:sefa-0", "--strength", "-1,1", "--label", "1", "--out", str(out)]
    else:
        argv = [*argv, "--steps", "2"]
    first = run_main(*argv)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    expected = ({"seed0001.png", "seed0002.png"} if command == "edit" else
                {"latents.npz", "d0.png", "d1.png", "d2.png", "d3.png"})
    assert set(before) == expected
    again = run_main(*argv)
    assert again.returncode == 2 and "exists and this command would replace it" in again.stderr, again.stderr
    assert snapshot(out) == before
    assert run_main(*argv, "--overwrite").returncode == 0
