"""Evaluation during training: logged with the losses, the best step kept, and no effect on training."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from ganforge.apps.evaluate import evaluate
from ganforge.training import train
from ganforge.training.checkpoint import BEST_DIR, PREVIOUS_BEST_DIR, best_evaluation, latest_checkpoint
from ganforge.training.evaluation import PeriodicEvaluation


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path / "cache"))


@pytest.fixture
def eval_config(tiny_config: Path) -> Path:
    tiny_config.write_text(tiny_config.read_text() + "eval_num = 60\n")
    return tiny_config


def _evaluations(run_dir: Path, key: str) -> dict[int, float]:
    lines = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return {line["step"]: line[key] for line in lines if key in line}


def test_evaluations_are_logged_and_the_best_is_kept(eval_config: Path, tmp_path: Path):
    result = train(str(eval_config), out=tmp_path / "run", steps=6, device="cpu", progress=False, eval_every=2)
    logged = _evaluations(tmp_path / "run", "eval/fid")
    assert sorted(logged) == [2, 4, 6]
    best_step = min(logged, key=logged.get)
    assert result.best["step"] == best_step and result.best["value"] == pytest.approx(logged[best_step])
    assert result.best["features"] == "digits"  # mnist-5k's quick domain network by default
    # checkpoints/best is a generator checkpoint that every command can read
    scored = evaluate(checkpoint=tmp_path / "run" / "checkpoints" / BEST_DIR, features="digits", num=60,
                      metrics=["fid"], seed=0)
    assert scored["protocol"]["fake"]["step"] == best_step


def test_evaluation_does_not_change_training(eval_config: Path, tmp_path: Path):
    train(str(eval_config), out=tmp_path / "plain", steps=6, device="cpu", progress=False)
    train(str(eval_config), out=tmp_path / "evaluated", steps=6, device="cpu", progress=False, eval_every=2,
          eval_metric="precision-recall")
    plain = load_file(latest_checkpoint(tmp_path / "plain") / "model.safetensors")
    evaluated = load_file(latest_checkpoint(tmp_path / "evaluated") / "model.safetensors")
    assert all(torch.equal(plain[key], evaluated[key]) for key in plain)
    # precision is better when higher: the best is the largest logged value
    logged = _evaluations(tmp_path / "evaluated", "eval/precision")
    assert best_evaluation(tmp_path / "evaluated")["value"] == pytest.approx(max(logged.values()))


def test_resume_keeps_the_best_so_far(eval_config: Path, tmp_path: Path):
    run_dir = tmp_path / "run"
    train(str(eval_config), out=run_dir, steps=3, device="cpu", progress=False, eval_every=1)
    first = best_evaluation(run_dir)
    resumed = train(str(eval_config), out=run_dir, steps=6, device="cpu", progress=False, resume=True)
    logged = _evaluations(run_dir, "eval/fid")
    assert sorted(logged) == [1, 2, 3, 4, 5, 6]  # the saved config keeps evaluating after the resume
    assert resumed.best["value"] == pytest.approx(min(logged.values()))
    assert resumed.best["value"] <= first["value"]


def test_a_crash_between_the_renames_of_best_loses_nothing(eval_config: Path, tmp_path: Path):
    run_dir = tmp_path / "run"
    train(str(eval_config), out=run_dir, steps=2, device="cpu", progress=False, eval_every=2)
    root = run_dir / "checkpoints"
    os.rename(root / BEST_DIR, root / PREVIOUS_BEST_DIR)  # the state save_best leaves if killed mid-way
    assert best_evaluation(run_dir)["step"] == 2
    assert (root / BEST_DIR / "model.safetensors").is_file()


def test_a_failed_evaluation_keeps_the_steps_trained(eval_config: Path, tmp_path: Path, monkeypatch):
    measure = PeriodicEvaluation.__call__
    calls = []

    def failing_at_step_4(self, generator):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("feature network out of memory")
        return measure(self, generator)

    monkeypatch.setattr(PeriodicEvaluation, "__call__", failing_at_step_4)
    run_dir = tmp_path / "run"
    with pytest.raises(RuntimeError, match="out of memory"):  # checkpoints every 3 steps: the last was step 3
        train(str(eval_config), out=run_dir, steps=6, device="cpu", progress=False, eval_every=2)
    assert latest_checkpoint(run_dir).name == "step-00000004"
    monkeypatch.setattr(PeriodicEvaluation, "__call__", measure)
    resumed = train(str(eval_config), out=run_dir, steps=6, device="cpu", progress=False, resume=True)
    assert resumed.step == 6 and sorted(_evaluations(run_dir, "eval/fid")) == [2, 6]
