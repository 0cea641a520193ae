"""Colourisation in Lab on a tiny trained model: the lightness is kept, any photo size and gray
photos work, bad inputs get one line, and evaluation scores colour beside PSNR/SSIM."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli, run_main
from PIL import Image

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.translate import colourise_files, colourise_image, load_translator, set_temperature
from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.data.photos import HELDOUT_EVERY, shared_data_dir, shared_photo_files
from ganforge.errors import GanforgeError
from ganforge.training import train
from ganforge.utils.colour import compose, rgb_to_lab

skimage_data = pytest.importorskip("skimage.data")

TINY_LAB = ('preset = "colourise"\ndata = "skimage-photos"\n[model]\ngenerator_width = 4\nunet_depth = 5\n'
            'discriminator_width = 4\n[preprocess]\nload_size = 48\ncrop_size = 32\n'
            '[train]\nsteps = 3\nbatch_size = 2\nsample_every = 0\n')


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("colourise")
    (root / "tiny.toml").write_text(TINY_LAB)
    train(str(root / "tiny.toml"), out=root / "run", device="cpu", progress=False)
    return root / "run"


def test_lab_batches_are_lightness_and_chroma():
    data = load_translation_dataset("skimage-photos", "train", PreprocessConfig(load_size=48, crop_size=32,
                                                                                derive_input="lab"))
    assert data.channels == (1, 2)
    lightness, chroma = data.batch(np.arange(3), np.random.default_rng(0))
    assert lightness.shape == (3, 1, 32, 32) and chroma.shape == (3, 2, 32, 32)
    assert lightness.abs().max() <= 1 and chroma.abs().max() < 1 and chroma.abs().mean() > 0.01
    # the centre crop (no rng) put back together is the photo's own centre crop
    lightness, chroma = data.batch(np.array([0]), None)
    photo = data.images_b[0]
    top, left = (photo.shape[0] - 32) // 2, (photo.shape[1] - 32) // 2
    rebuilt = compose((lightness[0, 0].numpy() + 1) * 50, chroma[0].permute(1, 2, 0).numpy() * 110)
    assert np.abs(rebuilt.astype(int) - photo[top:top + 32, left:left + 32]).max() <= 1


@pytest.mark.parametrize("name", ["chelsea", "rocket"])
def test_the_lightness_is_kept(lab_run, name):
    photo = getattr(skimage_data, name)()  # held-out photos at full size (451x300, 427x640)
    result = colourise_image(load_translator(lab_run), photo)
    assert result.shape == photo.shape and result.dtype == np.uint8
    difference = np.abs(rgb_to_lab(result)[..., 0] - rgb_to_lab(photo)[..., 0])
    # 8-bit rounding of the result moves L* by a few tenths at most (chroma outside sRGB is reduced
    # instead of R, G, B being clipped)
    assert difference.mean() < 0.3 and difference.max() < 1.0


def test_gray_photos_and_odd_sizes(lab_run, tmp_path: Path):
    gray = skimage_data.camera()[:77, :131]  # grayscale, odd sides
    Image.fromarray(gray).save(tmp_path / "gray.png")
    written = colourise_files(lab_run, tmp_path / "gray.png", tmp_path / "out")
    result = np.asarray(Image.open(written[0]))
    assert result.shape == (77, 131, 3)
    assert np.abs(rgb_to_lab(result)[..., 0] - rgb_to_lab(gray[..., None])[..., 0]).mean() < 0.3


def test_bad_inputs_get_one_line(lab_run, tmp_path: Path):
    rgba = np.dstack([skimage_data.astronaut()[:40, :40], np.full((40, 40), 200, np.uint8)])
    Image.fromarray(rgba).save(tmp_path / "alpha.png")
    Image.fromarray(skimage_data.camera()[:40, :40].astype(np.uint16) * 257).save(tmp_path / "deep.png")
    (tmp_path / "notes.png").write_text("not an image")
    for name, reason in (("alpha.png", "has an alpha channel"), ("deep.png", "more than 8 bits"),
                         ("notes.png", "not a readable image")):
        done = run_main("colourise", "--checkpoint", str(lab_run), "--input", str(tmp_path / name),
                       "--out", str(tmp_path / "out"))
        assert done.returncode == 2, done.stderr
        assert reason in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_colour_evaluation(lab_run, tmp_path: Path):
    result = evaluate_translation(lab_run, real="skimage-photos", split="all", out=tmp_path / "colour.json")
    metrics = result["metrics"]
    assert result["protocol"]["n_b"] == 9 and result["protocol"]["image_sizes"][0] != "48x48"  # own sizes
    for key in ("psnr", "ssim", "psnr_ab", "colourfulness", "hue_accuracy"):
        assert key in metrics and f"{key}_input" in metrics
    assert metrics["colourfulness_input"] < 1 and metrics["hue_accuracy_input"] == 0
    assert metrics["colourfulness_ratio"] == pytest.approx(metrics["colourfulness"] / metrics["colourfulness_truth"])
    assert 10 < metrics["psnr_input"] < 60 and (tmp_path / "colour.json").is_file()


@pytest.mark.skipif(shared_data_dir() is None, reason="../shared/data (cbsd68/, sun-hays80/) is not on this machine")
def test_shared_photos_split_is_fixed_and_disjoint():
    train_files, heldout = shared_photo_files("train"), shared_photo_files("heldout")
    everything = shared_photo_files("all")
    assert len(everything) == 148 and len(heldout) == 30 and len(train_files) == 118
    assert not set(train_files) & set(heldout) and set(train_files) | set(heldout) == set(everything)
    assert heldout == everything[::HELDOUT_EVERY]


TINT = (40.0, 25.0)  # a*, b* of every pixel of the tinted photos: a warm orange


@pytest.fixture(scope="module")
def classes_run(tmp_path_factory) -> Path:
    """A tiny colour-class colouriser trained on photos tinted one colour (their lightness kept)."""
    root = tmp_path_factory.mktemp("colourise-classes")
    (root / "tinted").mkdir()
    for name in ("astronaut", "coffee", "chelsea", "rocket", "camera", "moon"):
        photo = np.asarray(Image.fromarray(getattr(skimage_data, name)()).resize((64, 48)))
        lightness = rgb_to_lab(photo if photo.ndim == 3 else photo[..., None])[..., 0]
        Image.fromarray(compose(lightness, np.broadcast_to(np.float32(TINT), lightness.shape + (2,)))).save(
            root / "tinted" / f"{name}.png")
    text = TINY_LAB.replace('preset = "colourise"', 'preset = "colourise-classes"').replace(
        'data = "skimage-photos"', f'data = "{root / "tinted"}"').replace(
        "steps = 3\nbatch_size = 2", "steps = 150\nbatch_size = 4\nlr_generator = 0.005")
    (root / "tiny.toml").write_text(text)
    train(str(root / "tiny.toml"), out=root / "run", device="cpu", progress=False)
    return root / "run"


def test_colour_classes_learn_the_colour_and_keep_the_lightness(classes_run):
    photo = skimage_data.chelsea()  # never seen, full size
    result = colourise_image(load_translator(classes_run), photo)
    assert result.shape == photo.shape
    lab = rgb_to_lab(result)
    assert np.abs(lab[..., 0] - rgb_to_lab(photo)[..., 0]).mean() < 0.3
    # the tint is learned: the median chroma lands within one cell of it (the untrained model's is far)
    mid = (lab[..., 0] > 20) & (lab[..., 0] < 80)  # where sRGB can hold the tint
    assert np.abs(np.median(lab[mid][:, 1:], axis=0) - TINT).max() < 10


def test_the_temperature_decodes_colour_classes_only(classes_run, lab_run, tmp_path: Path):
    photo = skimage_data.coffee()[:64, :96]
    translator = load_translator(classes_run)
    plain = colourise_image(set_temperature(translator, 1.0), photo)
    sharp = colourise_image(set_temperature(translator, 0.1), photo)
    assert np.abs(plain.astype(int) - sharp).mean() > 0.5
    with pytest.raises(GanforgeError, match="no temperature"):
        set_temperature(load_translator(lab_run), 0.5)
    Image.fromarray(photo).save(tmp_path / "coffee.png")
    done = run_cli("colourise", "--checkpoint", str(lab_run), "--temperature", "0.5", "--input",
                   str(tmp_path / "coffee.png"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "no temperature" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("colourise", "--checkpoint", str(classes_run), "--temperature", "0", "--input",
                   str(tmp_path / "coffee.png"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "must be > 0" in done.stderr
    assert not (tmp_path / "out").exists()


def test_evaluate_scores_a_colour_class_colouriser_at_the_temperature_asked(classes_run, tmp_path: Path):
    """`ganforge evaluate --temperature` decodes as `colourise --temperature` does: a lower one gives more
    colour; a model that is not a colouriser refuses it in one line."""
    photos = tmp_path / "photos"  # real photos at a small size: the decoding is what is tested, not the photos
    photos.mkdir()
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        Image.fromarray(getattr(skimage_data, name)()).resize((96, 72)).save(photos / f"{name}.png")
    colour = {}
    for temperature in ("1", "0.1"):
        out = tmp_path / f"t{temperature}.json"
        done = run_cli("evaluate", "--checkpoint", str(classes_run), "--real", str(photos), "--split", "all",
                       "--temperature", temperature, "--out", str(out))
        assert done.returncode == 0, done.stderr
        colour[temperature] = json.loads(out.read_text())["metrics"]["colourfulness"]
    assert colour["0.1"] > colour["1"] * 1.05
    done = run_cli("evaluate", "--model", "mnist-gan", "--temperature", "0.5")
    assert done.returncode == 2 and "--temperature decodes a colour-class colouriser" in done.stderr
    assert "Traceback" not in done.stderr
