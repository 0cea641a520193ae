"""Two processes under torchrun on CPU (gloo): data-parallel training keeps the replicas identical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from ganforge.models.io import load_generator


@pytest.mark.slow
def test_two_process_ddp_run(tiny_config: Path, tmp_path: Path):
    run_dir = tmp_path / "ddp"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29571",
        "-m", "ganforge", "train", str(tiny_config), "--out", str(run_dir), "--steps", "4",
        "--device", "cpu", "--no-progress",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("finished step 4") == 1  # only rank 0 reports
    assert "replicas identical: True" in result.stdout
    assert load_generator(run_dir).state["step"] == 4
