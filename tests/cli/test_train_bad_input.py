"""`ganforge train` against whole classes of bad input: each gets one line on stderr, exit status 2,
no traceback (the CLI turns only GanforgeError into a line, so anything else fails these tests),
and every file that existed before is byte-identical afterwards (nothing is created either)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import TINY_TOML

from ganforge.cli.main import main
from ganforge.training import train


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` -> a digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(argv: list[str], folder: Path, capsys) -> str:
    """Run the CLI in-process; assert one line, exit 2, nothing changed under `folder`; return the line."""
    before = snapshot(folder)
    capsys.readouterr()
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own refusals
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ganforge"), err
    assert snapshot(folder) == before
    return lines[0]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "tiny.toml").write_text(TINY_TOML)
    return tmp_path


def _train(workdir: Path, *args: str) -> list[str]:
    return ["train", str(workdir / "tiny.toml"), "--out", str(workdir / "run"), "--device", "cpu", "--no-progress", *args]


@pytest.mark.parametrize("option", ["--steps", "--batch-size"])
@pytest.mark.parametrize("value", ["0", "-1", "-1000000000000"])
def test_non_positive_counts(workdir: Path, capsys, option: str, value: str):
    line = refused(_train(workdir, option, value), workdir, capsys)
    assert "must be >= 1" in line


@pytest.mark.parametrize("args, reason", [
    (["--eval-every", "-1"], "must be >= 0"),
    (["--seed", "-1"], "outside 0 to 4294967295"),
    (["--seed", str(2**40)], "outside 0 to 4294967295"),
    (["--minutes", "0"], "positive time budget"),
    (["--minutes", "-3"], "positive time budget"),
    (["--minutes", "nan"], "positive time budget"),
    (["--steps", "abc"], "invalid int value"),
    (["--batch-size", "1e9"], "invalid int value"),
])
def test_bad_values_of_options(workdir: Path, capsys, args: list[str], reason: str):
    assert reason in refused(_train(workdir, *args), workdir, capsys)


@pytest.mark.parametrize("override, reason", [
    ("train.lr_generator=nan", "must be a finite number"),
    ("train.lr_generator=inf", "must be a finite number"),
    ("train.lr_generator=-0.1", "learning rates must be > 0"),
    ("train.beta1=1.5", "beta1, beta2 in [0, 1)"),
    ("train.sample_every=-5", "must be >= 0"),
    ("model.generator_channels=relu", "must be a list"),
    ("objective.loss=[1, 2]", "must be str"),
    ("objective.loss=hinj", "did you mean 'hinge'"),
    ("train.nope=1", "unknown key 'nope'"),
    ("model.latent_dim=-5", "latent_dim"),
    ("nonsense", "write SECTION.KEY=VALUE"),
    ("train.steps=", "write SECTION.KEY=VALUE"),
    ("weights.x=1", "write SECTION.KEY=VALUE"),
])
def test_bad_set_overrides(workdir: Path, capsys, override: str, reason: str):
    assert reason in refused(_train(workdir, "--set", override), workdir, capsys)


@pytest.mark.parametrize("text, reason", [
    (b'\xff\xfepreset = "mnist-cgan"\n', "not UTF-8"),
    (b'preset = "mnist-cgan"\n[train]\nlr_generator = nan\n', "must be a finite number"),
    (b'preset = "mnist-cgan"\n[train]\nsteps = -4\n', "must be >= 1"),
    (b'preset = "mnist-cgan"\ntrain = [1, 2]\n', "must be a table"),
    (b'preset = ["mnist-cgan"]\n', "preset"),
    (b'preset = "mnist-cgan"\n[model]\nlatent_dim = "big"\n', "must be int"),
    (b'preset = "mnist-cgan"\n[train\n', "not valid TOML"),
])
def test_malformed_config_files(tmp_path: Path, capsys, text: bytes, reason: str):
    (tmp_path / "bad.toml").write_bytes(text)
    line = refused(["train", str(tmp_path / "bad.toml"), "--out", str(tmp_path / "run"), "--device", "cpu"],
                   tmp_path, capsys)
    assert reason in line


def test_set_overrides_reach_the_run(workdir: Path):
    result = train(str(workdir / "tiny.toml"), out=workdir / "run", device="cpu", progress=False, steps=2,
                   overrides=["objective.loss=hinge", "train.batch_size=4", "model.latent_dim=6"])
    from ganforge.models.io import read_state, resolve_checkpoint

    saved = read_state(resolve_checkpoint(result.run_dir))["run"]
    assert saved["objective"]["loss"] == "hinge" and saved["train"]["batch_size"] == 4
    assert saved["model"]["latent_dim"] == 6


def test_a_run_started_with_command_line_changes_resumes_with_its_preset(workdir: Path, capsys):
    first = ["--steps", "2", "--seed", "3", "--batch-size", "4", "--set", "objective.loss=hinge"]
    assert main(_train(workdir, *first)) == 0
    assert " s in all" not in capsys.readouterr().out
    assert main(_train(workdir, "--steps", "4", "--resume")) == 0
    assert "finished step 4 in" in (out := capsys.readouterr().out) and " s in all (" in out  # resumes add up


def test_resume_refuses_what_it_cannot_honour(workdir: Path, capsys):
    train(str(workdir / "tiny.toml"), out=workdir / "run", device="cpu", progress=False, steps=3)
    assert "below the 3 steps" in refused(_train(workdir, "--resume", "--steps", "2"), workdir, capsys)
    other = ["train", "mnist-gan", "--out", str(workdir / "run"), "--device", "cpu", "--resume"]
    assert "was trained with" in refused(other, workdir, capsys)
    assert "drop --set" in refused(_train(workdir, "--resume", "--set", "train.seed=3"), workdir, capsys)
