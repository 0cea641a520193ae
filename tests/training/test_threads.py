"""--threads and the busy-CPU hint: two jobs whose PyTorch threads compete for the same cores each run
about 4x slower (docs/training.md, bench/speed/busy_speed.py); ganforge says so when the load shows it and lets the user
give each job one thread. It never changes the thread count by itself (that can change the weights)."""

from __future__ import annotations

import os

import pytest
import torch

from ganforge.errors import GanforgeError
from ganforge.training import train
from ganforge.utils import seed as seed_module
from ganforge.utils.seed import busy_cpu_note, set_threads
from tests.conftest import run_cli


@pytest.fixture
def restore_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_threads_sets_pytorchs_cpu_threads_for_the_training(tiny_config, tmp_path, restore_threads):
    torch.set_num_threads(2)
    result = train(str(tiny_config), out=tmp_path / "run", steps=2, device="cpu", progress=False, threads=1)
    assert result.step == 2 and torch.get_num_threads() == 1


def test_threads_below_one_is_refused_in_one_line(tiny_config, tmp_path, restore_threads):
    with pytest.raises(GanforgeError, match="--threads 0"):
        set_threads(0)
    result = run_cli("train", str(tiny_config), "--out", str(tmp_path / "run"), "--threads", "-1")
    assert result.returncode == 2 and "--threads -1: give 1 or more" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "run").exists()


def test_busy_cpu_note_when_the_load_fills_the_cores(monkeypatch, restore_threads):
    monkeypatch.setattr(seed_module, "usable_cores", lambda: 2)
    torch.set_num_threads(2)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.1, 1.0, 1.0))
    note = busy_cpu_note(torch.device("cpu"))
    assert note is not None and "load 2.1 on 2 cores" in note and "--threads 1" in note
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.1, 0.1))
    assert busy_cpu_note(torch.device("cpu")) is None  # a quiet machine: nothing said
    monkeypatch.setattr(os, "getloadavg", lambda: (2.1, 1.0, 1.0))
    torch.set_num_threads(1)
    assert busy_cpu_note(torch.device("cpu")) is None  # one thread already: nothing to advise
    assert busy_cpu_note(torch.device("meta")) is None  # not a CPU run
