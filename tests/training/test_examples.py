"""Every example config in examples/ loads into a valid run config."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from ganforge.training.config import load_run_config


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.toml")), ids=lambda p: p.name)
def test_example_config_loads(path: Path):
    run = load_run_config(str(path))
    assert run.preset and run.family


def test_l1_only_example_is_the_baseline():
    run = load_run_config(str(ROOT / "examples" / "complete-l1-only.toml"))
    assert run.objective.adversarial_weight == 0 and run.preprocess.derive_input == "mask"
