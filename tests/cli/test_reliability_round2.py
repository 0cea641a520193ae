"""Issue 49's cases, grouped by class: tracebacks become one line (exit 2), requests too big for memory
are refused before any work, junk options are refused instead of writing wrong results, and one odd
image never changes how the others are read. Tiny runs of each kind are trained once per module."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganforge.training import train
from tests.conftest import TINY_TOML, run_main

TINY_STYLEGAN2 = ('preset = "stylegan2-mnist"\n[model]\nresolution = 8\nz_dim = 8\nw_dim = 8\nmapping_layers = 1\n'
                  'channel_base = 32\nchannel_max = 8\n[train]\nsteps = 2\nbatch_size = 4\nsample_every = 0\n'
                  'eval_every = 0\n[preprocess]\nload_size = 8\n')
TINY_CYCLE = ('preset = "cyclegan-digits"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\ndiscriminator_width = 4\n'
              '[train]\nsteps = 1\nbatch_size = 2\nsample_every = 0\n')
TINY_GANOMALY = '[train]\nsteps = 2\nbatch_size = 8\nsample_every = 0\n[model]\nwidth = 4\n'


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("round2")
    (root / "cgan.toml").write_text(TINY_TOML)
    train(str(root / "cgan.toml"), out=root / "cgan", steps=2, device="cpu", progress=False)
    (root / "sg.toml").write_text(TINY_STYLEGAN2)
    train(str(root / "sg.toml"), out=root / "sg", device="cpu", progress=False)
    (root / "cyc.toml").write_text(TINY_CYCLE)
    train(str(root / "cyc.toml"), out=root / "cyc", device="cpu", progress=False)
    (root / "gano.toml").write_text('preset = "ganomaly"\n' + TINY_GANOMALY)
    train(str(root / "gano.toml"), out=root / "gano", device="cpu", progress=False)
    digits = root / "digits"
    digits.mkdir()
    rng = np.random.default_rng(0)
    for index in range(4):
        Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8)).save(digits / f"d{index}.png")
    return root


def _refused(done, *fragments: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


# tracebacks -> one line ---------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["truncated", "empty", "pickled"])
def test_info_on_a_damaged_weights_file(work: Path, tmp_path: Path, damage: str):
    copy = tmp_path / "model"
    shutil.copytree(next((work / "cgan" / "checkpoints").glob("step-*")), copy)
    weights = copy / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes({"truncated": data[: len(data) // 2], "empty": b"",
                         "pickled": pickle.dumps({"generator.w": [1.0, 2.0]})}[damage])
    _refused(run_main("info", str(copy)), "is damaged")


def test_invert_refuses_a_label_out_of_range(work: Path, tmp_path: Path):
    _refused(run_main("invert", "--checkpoint", str(work / "cgan"), "--input", str(work / "digits"), "--out",
                      str(tmp_path / "inv"), "--label", "11", "--steps", "2"), "--label 11 is out of range")


@pytest.mark.parametrize("images", [np.zeros((3, 28, 28, 4), np.uint8), np.zeros((3, 28, 28, 2), np.uint8),
                                    np.zeros((0, 28, 28, 1), np.uint8)])
def test_anomaly_refuses_npz_of_other_channels_or_no_images(work: Path, tmp_path: Path, images: np.ndarray):
    np.savez(tmp_path / "in.npz", images=images)
    _refused(run_main("anomaly", "--checkpoint", str(work / "gano"), "--input", str(tmp_path / "in.npz"), "--out",
                      str(tmp_path / "scores.csv")), "'images' must be uint8 (N, H, W, C)")
    assert not (tmp_path / "scores.csv").exists()


def test_outputs_below_a_file_are_refused(work: Path, tmp_path: Path):
    (tmp_path / "clip.wav").write_bytes(b"RIFF")
    _refused(run_main("sample", "--checkpoint", str(work / "cgan"), "--out", str(tmp_path / "clip.wav" / "x.png")),
             "is a file, not a folder")
    _refused(run_main("say", "--checkpoint", str(work / "cgan"), "--digit", "1", "--out",
                      str(tmp_path / "clip.wav" / "sub")),
             "is a file, not a folder")


# too big for memory, refused before any work -------------------------------------------------------------
def test_huge_requests_are_refused_up_front(work: Path, tmp_path: Path):
    _refused(run_main("directions", "--checkpoint", str(work / "cgan"), "--method", "pca", "--samples", "100000000",
                      "--out", str(tmp_path / "d.safetensors")), "--samples 100,000,000 would need")
    _refused(run_main("augment", "--checkpoint", str(work / "cgan"), "--per-class", "100000000", "--out",
                      str(tmp_path / "aug")), "--per-class 100,000,000")
    _refused(run_main("train", "mnist-gan", "--set", "model.latent_dim=100000000", "--out", str(tmp_path / "big")),
             "would need at least")
    assert not (tmp_path / "big").exists() and not (tmp_path / "aug").exists()


def test_a_checkpoint_declaring_huge_networks_is_refused_before_building(work: Path, tmp_path: Path):
    copy = tmp_path / "model"
    shutil.copytree(next((work / "cgan" / "checkpoints").glob("step-*")), copy)
    state = json.loads((copy / "state.json").read_text())
    state["model"]["generator_channels"] = [1000000, 1000000]
    (copy / "state.json").write_text(json.dumps(state))
    _refused(run_main("sample", "--checkpoint", str(copy), "--out", str(tmp_path / "o.png")), "would need at least")


def test_say_caps_its_iterations(work: Path, tmp_path: Path):
    _refused(run_main("say", "--checkpoint", str(work / "cgan"), "--digit", "1", "--iterations", "100000000", "--out",
                      str(tmp_path / "clips")), "at most 1,000")


# junk refused instead of wrong results ---------------------------------------------------------------------
def test_truncation_must_be_a_number_on_a_style_model(work: Path, tmp_path: Path):
    for value in ("nan", "inf"):
        _refused(run_main("sample", "--checkpoint", str(work / "sg"), "--truncation", value, "--out",
                          str(tmp_path / "o.png")), "--truncation")
    assert not (tmp_path / "o.png").exists()


def test_edit_refuses_empty_hold_and_layers(work: Path, tmp_path: Path):
    directions = tmp_path / "dirs.safetensors"
    assert run_main("directions", "--checkpoint", str(work / "sg"), "--method", "sefa", "--count", "2", "--out",
                    str(directions)).returncode == 0
    base = ["edit", "--checkpoint", str(work / "sg"), "--seed", "1", "--direction", f"{directions}:sefa-0", "--out",
            str(tmp_path / "edits")]
    _refused(run_main(*base, "--hold", ","), "names no attribute")
    _refused(run_main(*base, "--layers", ""), "--layers is empty")


def test_directions_say_when_fewer_exist_than_asked(work: Path, tmp_path: Path):
    done = run_main("directions", "--checkpoint", str(work / "sg"), "--method", "sefa", "--count", "500", "--out",
                    str(tmp_path / "d.safetensors"))
    assert done.returncode == 0 and "not the 500 asked" in done.stderr, done.stderr


def test_combine_checks_its_cut_before_reading_images(work: Path, tmp_path: Path):
    image = str(work / "digits" / "d0.png")
    _refused(run_main("combine", "--checkpoint", str(work / "sg"), "--structure", image, "--style", image,
                      "--cut", "0", "--out", str(tmp_path / "c")), "--cut 0")


def test_a_mask_folder_is_named_as_such(work: Path, tmp_path: Path):
    _refused(run_main("complete", "--checkpoint", str(work / "cgan"), "--input", str(work / "digits" / "d0.png"),
                      "--mask", str(work / "digits"), "--out", str(tmp_path / "filled")), "is a folder")


def test_one_tiny_image_does_not_change_how_the_others_are_scored(work: Path, tmp_path: Path):
    alone = tmp_path / "alone.csv"
    assert run_main("anomaly", "--checkpoint", str(work / "gano"), "--input", str(work / "digits"), "--out",
                    str(alone)).returncode == 0
    mixed = tmp_path / "mixed"
    shutil.copytree(work / "digits", mixed)
    Image.new("L", (1, 1), 200).save(mixed / "zz-tiny.png")
    scores = tmp_path / "mixed.csv"
    assert run_main("anomaly", "--checkpoint", str(work / "gano"), "--input", str(mixed), "--out",
                    str(scores)).returncode == 0
    assert scores.read_text().splitlines()[:5] == alone.read_text().splitlines()


def test_two_inputs_of_one_name_both_kept_and_a_1x1_image_translated(work: Path, tmp_path: Path):
    photos = tmp_path / "photos"
    photos.mkdir()
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 256, (32, 32), dtype=np.uint8)).save(photos / "a.png")
    Image.fromarray(rng.integers(0, 256, (32, 32), dtype=np.uint8)).save(photos / "a.jpg")
    Image.new("L", (1, 1), 128).save(photos / "tiny.png")
    done = run_main("translate", "--checkpoint", str(work / "cyc"), "--input", str(photos), "--out",
                    str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "a.png.png", "tiny.png"]
    assert "shares its name" in done.stderr
    assert Image.open(tmp_path / "out" / "tiny.png").size == (1, 1)


def test_results_of_the_same_name_are_replaced_only_with_overwrite(work: Path, tmp_path: Path):
    out = tmp_path / "out"
    args = ("translate", "--checkpoint", str(work / "cyc"), "--input", str(work / "digits"), "--out", str(out))
    assert run_main(*args).returncode == 0
    before = (out / "d0.png").read_bytes()
    _refused(run_main(*args), "d0.png exists and this command would replace it; add --overwrite")
    assert (out / "d0.png").read_bytes() == before
    assert run_main(*args, "--overwrite").returncode == 0
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "1-0-000.wav").write_bytes(b"mine")
    _refused(run_main("say", "--checkpoint", str(work / "cgan"), "--digit", "1", "--out", str(tmp_path / "clips")),
             "1-0-000.wav exists")


def test_augment_refuses_a_link_and_a_second_augment_into_one_folder(work: Path, tmp_path: Path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    _refused(run_main("augment", "--checkpoint", str(work / "cgan"), "--per-class", "1", "--out",
                      str(tmp_path / "link")), "is a symbolic link")
    from ganforge.utils.files import FolderLock

    with FolderLock(tmp_path, "augment", name=".set.lock"):  # as a running augment into tmp_path/set holds it
        _refused(run_main("augment", "--checkpoint", str(work / "cgan"), "--per-class", "1", "--out",
                          str(tmp_path / "set")), "in use by another augment")
    assert not (tmp_path / "set").exists()


FSDD = Path("../shared/data/fsdd/recordings")


@pytest.mark.skipif(not FSDD.is_dir(), reason="needs ../shared/data/fsdd (the Free Spoken Digit Dataset)")
@pytest.mark.parametrize("bad", ["truncated", "empty"])
def test_a_truncated_or_empty_wav_in_a_training_folder_is_one_line(tmp_path: Path, bad: str):
    import wave

    folder = tmp_path / "speech" / "7"
    folder.mkdir(parents=True)
    for source in sorted(FSDD.glob("7_*.wav"))[:6]:
        shutil.copy(source, folder / source.name)
    if bad == "truncated":
        (folder / "7_zz.wav").write_bytes(min(FSDD.glob("7_*.wav")).read_bytes()[:3000])
    else:
        with wave.open(str(folder / "7_zz.wav"), "wb") as empty:
            empty.setnchannels(1)
            empty.setsampwidth(2)
            empty.setframerate(8000)
            empty.writeframes(b"")
    _refused(run_main("train", "specgan-digits", "--data", str(tmp_path / "speech"), "--steps", "1", "--out",
                      str(tmp_path / "run")), "7_zz.wav")


@pytest.mark.parametrize("value, reason", [(0, "marks no pixel"), (255, "marks every pixel"), (128, "not black and white")])
def test_completion_masks_that_fill_nothing_everything_or_are_grey_are_refused(tmp_path: Path, value: int, reason: str):
    from ganforge.data.inputs import read_mask
    from ganforge.errors import GanforgeError

    Image.new("L", (16, 16), value).save(tmp_path / "mask.png")
    with pytest.raises(GanforgeError, match=reason):
        read_mask(tmp_path / "mask.png", (16, 16))
    hole = np.zeros((16, 16), np.uint8)
    hole[4:8, 4:8] = 255
    Image.fromarray(hole).save(tmp_path / "hole.png")
    assert read_mask(tmp_path / "hole.png", (16, 16)).sum() == 16


def test_broken_and_looping_links_in_an_input_folder_are_said(work: Path, tmp_path: Path):
    photos = tmp_path / "photos"
    shutil.copytree(work / "digits", photos)
    (photos / "loop.png").symlink_to(photos / "loop.png")
    (photos / "gone.png").symlink_to(tmp_path / "missing.png")
    done = run_main("translate", "--checkpoint", str(work / "cyc"), "--input", str(photos), "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert "skipped loop.png: a symbolic link" in done.stderr and "skipped gone.png" in done.stderr
    assert len(list((tmp_path / "o").iterdir())) == 4


def test_export_writes_through_a_staging_folder_and_clears_killed_ones(work: Path, tmp_path: Path):
    leftover = tmp_path / ".exported.tmp-killed"
    leftover.mkdir()
    (leftover / "model.safetensors").write_bytes(b"half")
    assert run_main("export", str(work / "cgan"), "--out", str(tmp_path / "exported")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exported"]  # the leftover is gone, no staging left
    assert sorted(p.name for p in (tmp_path / "exported").iterdir()) == ["model.safetensors", "state.json"]
    assert run_main("sample", "--checkpoint", str(tmp_path / "exported"), "--num", "2", "--out",
                    str(tmp_path / "s.png")).returncode == 0
