"""translate / colourise / complete on tiny trained models: any size, names kept, wrong models refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli
from PIL import Image

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.generate import load_model
from ganforge.apps.translate import colourise_files, complete_files, load_translator, translate_files
from ganforge.errors import GanforgeError
from ganforge.metrics import translation as judges_module
from ganforge.training import train

TINY = {
    "cycle": 'preset = "cyclegan-digits"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\ndiscriminator_width = 4\n',
    # digits scaled to 16 pixels on loading: a model that learned at one scale
    "cycle16": 'preset = "cyclegan-digits"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\ndiscriminator_width = 4\n'
               '[preprocess]\nload_size = 16\n',
    "complete": 'preset = "complete"\n[model]\ngenerator_width = 4\nunet_depth = 5\ndiscriminator_width = 4\n'
                '[preprocess]\nload_size = 48\ncrop_size = 32\n',
    "colourise": 'preset = "colourise"\ndata = "skimage-photos"\n[model]\ngenerator_width = 4\nunet_depth = 5\ndiscriminator_width = 4\n'
                 '[preprocess]\nload_size = 48\ncrop_size = 32\n',
}
TRAIN = "[train]\nsteps = 2\nbatch_size = 2\nsample_every = 0\n"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("translation-runs")
    out = {}
    for name, text in TINY.items():
        config = root / f"{name}.toml"
        config.write_text(text + TRAIN)
        train(str(config), out=root / name, device="cpu", progress=False)
        out[name] = root / name
    return out


def _images(folder: Path) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (27, 30), dtype=np.uint8)).save(folder / "odd.png")
    Image.fromarray(rng.integers(0, 256, (40, 33, 3), dtype=np.uint8)).save(folder / "colour.jpg")
    return folder


def test_translate_keeps_names_and_sizes(runs, tmp_path: Path):
    written = translate_files(runs["cycle"], _images(tmp_path / "in"), tmp_path / "out", direction="BtoA")
    assert sorted(p.name for p in written) == ["colour.png", "odd.png"]
    assert Image.open(tmp_path / "out" / "odd.png").size == (30, 27)
    assert Image.open(tmp_path / "out" / "colour.png").size == (33, 40)
    assert Image.open(tmp_path / "out" / "colour.png").mode == "L"  # the digit model works in grayscale


def test_a_model_trained_at_one_scale_translates_at_that_scale(runs, tmp_path: Path):
    notes: list[str] = []
    translate_files(runs["cycle16"], _images(tmp_path / "in"), tmp_path / "auto", on_skip=notes.append)
    # the shorter side becomes the training load_size (16), the aspect is kept: 30x27 -> 18x16, 33x40 -> 16x19
    assert Image.open(tmp_path / "auto" / "odd.png").size == (18, 16)
    assert Image.open(tmp_path / "auto" / "colour.png").size == (16, 19)
    assert notes == [("note: each input is scaled so its shorter side is 16 pixels, the scale this model was "
                      "trained at (--resize none keeps each image's own size)")]
    translate_files(runs["cycle16"], tmp_path / "in", tmp_path / "none", resize="none")
    assert Image.open(tmp_path / "none" / "odd.png").size == (30, 27)
    with pytest.raises(GanforgeError, match="--resize big: use auto"):
        translate_files(runs["cycle16"], tmp_path / "in", tmp_path / "x", resize="big")


def test_wrong_models_and_tasks_are_refused(runs, tiny_config: Path, tmp_path: Path):
    images = _images(tmp_path / "in")
    noise_run = tmp_path / "gan"
    train(str(tiny_config), out=noise_run, steps=1, device="cpu", progress=False)
    with pytest.raises(GanforgeError, match="not a translation model"):
        translate_files(noise_run, images, tmp_path / "out")
    with pytest.raises(GanforgeError, match="translates images"):
        load_model(checkpoint=runs["cycle"])
    with pytest.raises(GanforgeError, match="AtoB only"):
        load_translator(runs["complete"], "BtoA")
    with pytest.raises(GanforgeError, match="not trained to colourise"):
        colourise_files(runs["complete"], images, tmp_path / "out")
    with pytest.raises(GanforgeError, match="ganforge complete"):
        translate_files(runs["complete"], images, tmp_path / "out")


def test_colourise_and_complete(runs, tmp_path: Path):
    photo = np.random.default_rng(1).integers(0, 256, (36, 50, 3), dtype=np.uint8)
    Image.fromarray(photo).save(tmp_path / "photo.png")
    colourised = colourise_files(runs["colourise"], tmp_path / "photo.png", tmp_path / "colour")[0]
    assert Image.open(colourised).mode == "RGB" and Image.open(colourised).size == (50, 36)
    mask = np.zeros((36, 50), np.uint8)
    mask[10:20, 5:25] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    filled = np.asarray(Image.open(complete_files(runs["complete"], tmp_path / "photo.png", tmp_path / "mask.png",
                                                  tmp_path / "filled")[0]))
    outside = mask == 0
    assert (filled[outside] == photo[outside]).all()  # known pixels are kept exactly
    assert not (filled[~outside] == photo[~outside]).all()
    Image.fromarray(mask[:30]).save(tmp_path / "small-mask.png")
    with pytest.raises(GanforgeError, match="mask .* is 50x30 but the image is 50x36"):
        complete_files(runs["complete"], tmp_path / "photo.png", tmp_path / "small-mask.png", tmp_path / "x")


def test_evaluation_of_each_family(runs, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path))
    monkeypatch.setattr(judges_module, "JUDGE_STEPS", 20)  # quick judges: only the plumbing is under test here
    cycle = evaluate_translation(runs["cycle"], out=tmp_path / "cycle.json")
    keys = {f"{m}_{d}" for m in ("cycle_l1", "content", "domain") for d in ("AtoB", "BtoA")}
    keys |= {"real_content_A", "real_content_B", "real_domain"}
    assert set(cycle["metrics"]) == keys and cycle["protocol"]["n_a"] == 500
    assert all(0 <= v <= 1 for v in cycle["metrics"].values()) and (tmp_path / "cycle.json").is_file()
    complete = evaluate_translation(runs["complete"])
    assert set(complete["metrics"]) == {"psnr", "ssim", "psnr_input", "ssim_input"}
    assert complete["protocol"]["n_b"] == 2 and 0 < complete["metrics"]["psnr"] < 60


def test_cli_translate_end_to_end(runs, tmp_path: Path):
    images = _images(tmp_path / "in")
    done = run_cli("translate", "--checkpoint", str(runs["cycle"]), "--input", str(images), "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert "translated 2 image(s) AtoB" in done.stdout and (tmp_path / "o" / "odd.png").is_file()
    missing = run_cli("translate", "--checkpoint", str(runs["cycle"]), "--input", str(tmp_path / "nope"),
                      "--out", str(tmp_path / "o2"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().count("\n") == 0 and "does not exist" in missing.stderr


def test_make_data_writes_a_layout_that_loads_the_same(tmp_path: Path):
    from ganforge.apps.make_data import make_data
    from ganforge.data import load_translation_dataset

    counts = make_data("digit-styles", tmp_path / "digits")
    assert counts == {"trainA": 2000, "trainB": 2000, "testA": 500, "testB": 500}
    assert min(p.name for p in (tmp_path / "digits" / "testA").iterdir()) == "00000-0.png"
    for split in ("train", "heldout"):
        memory, disk = load_translation_dataset("digit-styles", split), load_translation_dataset(str(tmp_path / "digits"), split)
        assert np.array_equal(np.stack(memory.images_b), np.stack(disk.images_b))
    with pytest.raises(GanforgeError, match="not empty"):
        make_data("digit-styles", tmp_path / "digits")


def test_make_data_writes_one_domain_photos_to_train_and_test(tmp_path: Path):
    from ganforge.apps.make_data import make_data
    from ganforge.data import PreprocessConfig, load_translation_dataset

    assert make_data("skimage-photos", tmp_path / "photos") == {"train": 7, "test": 2}
    assert sorted(p.name for p in (tmp_path / "photos" / "test").iterdir()) == ["chelsea.png", "rocket.png"]
    preprocess = PreprocessConfig(derive_input="mask")
    memory = load_translation_dataset("skimage-photos", "heldout", preprocess)
    disk = load_translation_dataset(str(tmp_path / "photos"), "heldout", preprocess)
    assert all(np.array_equal(a, b) for a, b in zip(memory.images_b, disk.images_b, strict=True))


def test_info_draws_every_translation_network(runs):
    from ganforge.cli.info import describe

    text = describe(str(runs["cycle"]))
    for role in ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b"):
        assert f"\n{role}\n" in text
    assert text.count("total parameters") == 4 and "ReflectionPad2d" in text and "InstanceNorm2d" in text


def test_cli_trains_and_evaluates_a_completion_model(tmp_path: Path):
    config = tmp_path / "complete.toml"
    config.write_text(TINY["complete"] + TRAIN)
    trained = run_cli("train", str(config), "--out", str(tmp_path / "run"), "--no-progress")
    assert trained.returncode == 0, trained.stderr
    assert "finished step 2" in trained.stdout
    scored = run_cli("evaluate", "--checkpoint", str(tmp_path / "run"), "--out", str(tmp_path / "score.json"))
    assert scored.returncode == 0, scored.stderr
    assert "psnr_input" in scored.stdout and "skimage-photos (heldout): 0 A, 2 B images" in scored.stdout
    wrong = run_cli("colourise", "--checkpoint", str(tmp_path / "run"), "--input", str(tmp_path / "score.json"),
                    "--out", str(tmp_path / "x"))
    assert wrong.returncode == 2 and "not trained to colourise" in wrong.stderr and "Traceback" not in wrong.stderr
