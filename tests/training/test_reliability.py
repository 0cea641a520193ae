"""Nothing a user has is lost and nothing broken is written: one run per folder (a lock), a stop
with one line on divergence (the last finite checkpoint kept), a full disk, leftovers of killed
writes, re-saving a step, a `latest` that points elsewhere, a torn log line."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from ganforge.apps.generate import load_model
from ganforge.errors import GanforgeError
from ganforge.models.io import MODEL_FILE, read_tensors, resolve_checkpoint
from ganforge.training import checkpoint as checkpoint_module
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.utils.files import LOCK_FILE


def _train(config: Path, run: Path, **options):
    return train(str(config), out=run, device="cpu", progress=False, **options)


def test_a_second_training_into_a_live_run_is_refused(tiny_config: Path, tmp_path: Path):
    run = tmp_path / "run"
    run.mkdir()
    (run / LOCK_FILE).write_text(f"{__import__('os').getpid()} {__import__('socket').gethostname()}\n")  # alive: us
    with pytest.raises(GanforgeError, match=r"in use by another training \(PID \d+"):
        _train(tiny_config, run, steps=1)
    assert (run / LOCK_FILE).exists() and not (run / "checkpoints").exists()


def test_a_stale_lock_is_taken_over(tiny_config: Path, tmp_path: Path, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True,
                          text=True)
    run = tmp_path / "run"
    run.mkdir()
    (run / LOCK_FILE).write_text(f"{dead.stdout.strip()} {__import__('socket').gethostname()}\n")
    assert _train(tiny_config, run, steps=2).step == 2
    assert "took over" in capsys.readouterr().err
    assert not (run / LOCK_FILE).exists()  # released at the end


def test_divergence_stops_and_keeps_the_last_finite_checkpoint(tiny_config: Path, tmp_path: Path):
    run = tmp_path / "run"
    # the generator's weights leap to ~1e30 in step 1 (still finite, checkpointed); step 2's losses are NaN
    absurd = ["train.lr_generator=1e30", "train.checkpoint_every=1",
              "train.sample_every=0", "train.ema_decay=0.0"]
    with pytest.raises(GanforgeError, match="training diverged at step") as raised:
        _train(tiny_config, run, steps=6, overrides=absurd)
    latest = latest_checkpoint(run)
    assert "at step 2" in str(raised.value) and latest.name == "step-00000001" and str(latest) in str(raised.value)
    weights = load_file(latest / MODEL_FILE)
    assert all(torch.isfinite(t).all() for t in weights.values() if t.is_floating_point())
    load_model(checkpoint=run)  # the kept checkpoint is usable


def test_non_finite_weights_are_refused_on_loading(tiny_config: Path, tmp_path: Path):
    _train(tiny_config, tmp_path / "run", steps=1)
    path = resolve_checkpoint(tmp_path / "run") / MODEL_FILE
    weights = load_file(path)
    for key, value in weights.items():  # the generator and its moving average
        if key.startswith("generator") and key.endswith("weight"):
            value[..., 0] = float("nan")
    save_file(weights, path)
    with pytest.raises(GanforgeError, match="non-finite values"):
        load_model(checkpoint=tmp_path / "run")


def test_a_full_disk_is_one_line_and_keeps_the_previous_checkpoint(tiny_config: Path, tmp_path: Path, monkeypatch):
    run = tmp_path / "run"
    _train(tiny_config, run, steps=3)
    before = latest_checkpoint(run)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(checkpoint_module, "save_file", full)
    with pytest.raises(GanforgeError, match="no space left on the device .* step 6 .* MB"):
        _train(tiny_config, run, steps=6, resume=True)
    assert latest_checkpoint(run) == before and not list((run / "checkpoints").glob(".tmp-*"))


def test_leftovers_are_cleaned_and_a_torn_log_line_does_not_block_resume(tiny_config: Path, tmp_path: Path, capsys):
    run = tmp_path / "run"
    _train(tiny_config, run, steps=3)
    (run / "checkpoints" / ".tmp-killed").mkdir()
    (run / "checkpoints" / ".tmp-killed" / MODEL_FILE).write_bytes(b"half")
    (run / "checkpoints" / ".latest.x1y2.tmp").write_text("step-")
    with open(run / "metrics.jsonl", "a") as log:
        log.write('{"step": 3, "loss_D": 0.')  # a kill in the middle of a line
    assert _train(tiny_config, run, steps=6, resume=True).step == 6
    err = capsys.readouterr().err
    assert "removed .tmp-killed" in err and "damaged line" in err
    assert not (run / "checkpoints" / ".tmp-killed").exists() and not (run / "checkpoints" / ".latest.x1y2.tmp").exists()
    steps = [json.loads(line)["step"] for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert steps == sorted(steps) and steps[-1] == 6


def test_re_saving_a_step_is_a_safe_swap(tiny_config: Path, tmp_path: Path):
    run = tmp_path / "run"
    _train(tiny_config, run, steps=3)
    latest = latest_checkpoint(run)
    # a crash between the two renames of a re-save: the old copy aside, the new one not yet in place
    latest.rename(latest.parent / (checkpoint_module.REPLACED_PREFIX + latest.name))
    assert latest_checkpoint(run) == latest and (latest / MODEL_FILE).is_file()
    assert _train(tiny_config, run, steps=4, resume=True).step == 4


@pytest.mark.parametrize("pointer", ["../../elsewhere", "/etc", "step-00000003/../../x", "best"])
def test_latest_may_only_name_a_step_folder_beside_it(tiny_config: Path, tmp_path: Path, pointer: str):
    run = tmp_path / "run"
    _train(tiny_config, run, steps=3)
    (run / "checkpoints" / "latest").write_text(pointer + "\n")
    with pytest.raises(GanforgeError, match="not a step folder beside it"):
        latest_checkpoint(run)
    with pytest.raises(GanforgeError, match="not a step folder beside it"):
        load_model(checkpoint=run)


def test_a_refused_run_leaves_no_empty_folder(tmp_path: Path):
    with pytest.raises(GanforgeError):
        train("mnist-cgan", data=str(tmp_path / "missing"), out=tmp_path / "run", device="cpu", progress=False)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("field, value", [("step", "12"), ("step", -3), ("family", ["dcgan"]), ("model", 5),
                                          ("run", "x"), ("format_version", "1"), ("step", True)])
def test_a_state_json_with_wrong_types_is_one_line(tiny_config: Path, tmp_path: Path, field: str, value):
    _train(tiny_config, tmp_path / "run", steps=1)
    path = resolve_checkpoint(tmp_path / "run") / "state.json"
    state = json.loads(path.read_text())
    state[field] = value
    path.write_text(json.dumps(state))
    with pytest.raises(GanforgeError, match="damaged|not written by this ganforge"):
        load_model(checkpoint=tmp_path / "run")
    with pytest.raises(GanforgeError, match="damaged|not written by this ganforge"):
        _train(tiny_config, tmp_path / "run", steps=2, resume=True)


def test_a_flat_folder_with_a_stray_subfolder_is_refused(tmp_path: Path):
    from PIL import Image

    from ganforge.data import load_dataset

    (tmp_path / "faces" / "old").mkdir(parents=True)
    for name in ("a.png", "b.png", "old/c.png"):
        Image.new("L", (8, 8)).save(tmp_path / "faces" / name)
    with pytest.raises(GanforgeError, match="holds images and subfolders \\(old\\)"):
        load_dataset(str(tmp_path / "faces"))


def test_a_divergence_in_a_batchnorm_buffer_stops_the_run_and_keeps_the_finite_checkpoints(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(GanforgeError, match=r"diverged at step \d+: the generator's .*running_var is not finite"):
        train("mnist-gan", out=out, steps=20, device="cpu", progress=False,
              overrides=["train.lr_generator=1e15", "train.checkpoint_every=2", "train.batch_size=8"])
    for checkpoint in sorted((out / "checkpoints").glob("step-*")) if (out / "checkpoints").is_dir() else []:
        assert all(bool(torch.isfinite(t).all()) for t in read_tensors(checkpoint / "model.safetensors").values()
                   if t.is_floating_point()), checkpoint.name


def test_checkpoints_follow_the_umask(tiny_config, tmp_path):
    old = os.umask(0o022)
    try:
        result = train(str(tiny_config), out=tmp_path / "run", steps=3, device="cpu", progress=False)
    finally:
        os.umask(old)
    checkpoint = result.checkpoint
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o755
    assert stat.S_IMODE((checkpoint / "state.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((checkpoint / "model.safetensors").stat().st_mode) == 0o644
