"""Checkpoints: exact resume, atomic writes under a kill, Ctrl-C saves, nothing is overwritten by mistake."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from conftest import ROOT
from safetensors.torch import load_file

from ganforge.errors import GanforgeError
from ganforge.models.io import load_generator
from ganforge.training import checkpoint as checkpoint_module
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint


def _weights(run_dir: Path) -> dict[str, torch.Tensor]:
    folder = latest_checkpoint(run_dir)
    return {**load_file(folder / "model.safetensors"), **load_file(folder / "training.safetensors")}


def test_resume_is_exact(tiny_config: Path, tmp_path: Path):
    straight = train(str(tiny_config), out=tmp_path / "straight", steps=6, device="cpu", progress=False)
    first = train(str(tiny_config), out=tmp_path / "split", steps=3, device="cpu", progress=False)
    before = json.loads((latest_checkpoint(tmp_path / "split") / "state.json").read_text())["train_seconds"]
    resumed = train(str(tiny_config), out=tmp_path / "split", steps=6, device="cpu", progress=False, resume=True)
    assert straight.step == resumed.step == 6
    a, b = _weights(tmp_path / "straight"), _weights(tmp_path / "split")
    assert a.keys() == b.keys()
    assert any(k.startswith("optimizer.") for k in a) and "generator_ema.convs.0.weight" in a
    different = [k for k in a if not torch.equal(a[k], b[k])]
    assert different == []
    # the metrics log holds each step once, even across the resume (3: the first run's last window)
    steps = [json.loads(line)["step"] for line in (tmp_path / "split" / "metrics.jsonl").read_text().splitlines()]
    assert steps == [2, 3, 4, 6]
    # the training time adds up over the resume (to 1 ms): a checkpoint holds the time spent to reach it
    after = json.loads((latest_checkpoint(tmp_path / "split") / "state.json").read_text())["train_seconds"]
    assert 0 < before <= first.total_seconds and before < after <= before + resumed.seconds + 0.001
    assert resumed.total_seconds >= before + resumed.seconds - 0.001

def test_time_budget_stops_and_saves(tiny_config: Path, tmp_path: Path):
    result = train(str(tiny_config), out=tmp_path / "run", minutes=0.0001, device="cpu", progress=False)
    assert result.stopped_early and result.step < 10**9
    assert load_generator(tmp_path / "run").state["step"] == result.step
    with pytest.raises(GanforgeError, match=r"drop --set \(and --precision, --compile, --normal, which set it\), --seed"):
        train(str(tiny_config), out=tmp_path / "run", steps=9, seed=3, device="cpu", progress=False, resume=True)


def test_a_time_budget_keeps_a_total_given_by_set(tiny_config: Path, tmp_path: Path):
    result = train(str(tiny_config), out=tmp_path / "run", minutes=5, device="cpu", progress=False,
                   overrides=["train.steps=4"])
    assert result.step == 4 and not result.stopped_early  # the total came first
    state = json.loads((tmp_path / "run" / "checkpoints" / "step-00000004" / "state.json").read_text())
    assert state["run"]["train"]["steps"] == 4  # what a resume goes on to


def test_existing_run_is_not_overwritten_without_resume(tiny_config: Path, tmp_path: Path):
    train(str(tiny_config), out=tmp_path / "run", steps=3, device="cpu", progress=False)
    before = (latest_checkpoint(tmp_path / "run") / "model.safetensors").read_bytes()
    with pytest.raises(GanforgeError, match="--resume"):
        train(str(tiny_config), out=tmp_path / "run", steps=3, device="cpu", progress=False)
    assert (latest_checkpoint(tmp_path / "run") / "model.safetensors").read_bytes() == before


def test_failure_while_writing_keeps_the_last_good_checkpoint(tiny_config: Path, tmp_path: Path, monkeypatch):
    run_dir = tmp_path / "run"
    train(str(tiny_config), out=run_dir, steps=3, device="cpu", progress=False)
    real_save = checkpoint_module.save_file

    def dies_halfway(tensors, path):  # writes part of a file, then the "power goes out"
        real_save(tensors, path)
        Path(path).write_bytes(Path(path).read_bytes()[:100])
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint_module, "save_file", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        train(str(tiny_config), out=run_dir, steps=6, device="cpu", progress=False, resume=True)
    assert latest_checkpoint(run_dir).name == "step-00000003"
    assert load_generator(run_dir).state["step"] == 3
    assert not list((run_dir / "checkpoints").glob(".tmp-*"))


def _start_training(tiny_config: Path, run_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ganforge", "train", str(tiny_config), "--out", str(run_dir), "--steps", "100000",
         "--device", "cpu", "--no-progress", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until `path` exists and is not empty."""
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.stat().st_size:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "training did not start"
        time.sleep(0.2)


@pytest.mark.slow
def test_sigkill_at_any_time_leaves_a_loadable_checkpoint(tiny_config: Path, tmp_path: Path):
    # checkpoint every step, so kills land mid-write often
    config = tmp_path / "every-step.toml"
    config.write_text(tiny_config.read_text().replace("checkpoint_every = 3", "checkpoint_every = 1"))
    run_dir = tmp_path / "run"
    for delay in (0.0, 0.37, 0.71):
        process = _start_training(config, run_dir, *(["--resume"] if latest_checkpoint(run_dir) else []))
        _wait_for(run_dir / "checkpoints" / "latest", process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        step = load_generator(run_dir).state["step"]
        assert step >= 1
        assert load_file(latest_checkpoint(run_dir) / "training.safetensors")


@pytest.mark.slow
def test_ctrl_c_saves_and_exits_cleanly(tiny_config: Path, tmp_path: Path):
    run_dir = tmp_path / "run"
    process = _start_training(tiny_config, run_dir)
    _wait_for(run_dir / "metrics.jsonl", process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "stopped early at step" in out and "Traceback" not in err
    step = load_generator(run_dir).state["step"]
    assert 2 <= step < 100000
    assert (run_dir / "samples" / f"step-{step:08d}.png").exists()
