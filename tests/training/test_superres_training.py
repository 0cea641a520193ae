"""Super-resolution in the generic trainer: derived low-resolution inputs, one step of each stage,
upscaling any size and scoring against bicubic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from ganforge.apps.evaluate_translation import evaluate_translation
from ganforge.apps.translate import load_translator
from ganforge.data import PreprocessConfig, load_translation_dataset
from ganforge.errors import GanforgeError
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint

TINY_SR = """
preset = "{preset}"
[model]
generator_width = 4
residual_blocks = 1
discriminator_width = 4
[preprocess]
crop_size = 32
scale = {scale}
[train]
steps = 2
batch_size = 2
sample_every = 2
log_every = 1
"""


def test_downscaled_inputs_come_from_the_same_crop():
    data = load_translation_dataset("skimage-photos", preprocess=PreprocessConfig(crop_size=32, derive_input="downscale",
                                                                                  scale=4, kernel="matlab"))
    low, high = data.batch(np.arange(2), np.random.default_rng(0))
    assert low.shape == (2, 3, 8, 8) and high.shape == (2, 3, 32, 32)
    # a 4x4 block average of the crop is close to its antialiased bicubic shrink
    blocks = torch.nn.functional.avg_pool2d(high, 4)
    assert (blocks - low).abs().mean() < 0.05
    with pytest.raises(ValueError, match="multiple of scale"):
        PreprocessConfig(crop_size=30, derive_input="downscale", scale=4)


@pytest.mark.parametrize("preset, scale", [("srresnet-x4", 4), ("srgan-x4", 2)])
def test_each_stage_trains_and_upscales_any_size(tmp_path: Path, preset: str, scale: int):
    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset=preset, scale=scale))
    result = train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    training = load_file(latest_checkpoint(tmp_path / "run") / "training.safetensors")
    assert any(k.startswith("optimizer.discriminator.") for k in training) == (preset == "srgan-x4")
    assert result.samples.is_file()
    translator = load_translator(tmp_path / "run")
    assert translator.scale == scale  # taken from the data's preprocess
    assert translator(torch.zeros(1, 3, 13, 7)).shape == (1, 3, 13 * scale, 7 * scale)
    scores = evaluate_translation(tmp_path / "run")["metrics"]
    pixels = {"psnr_y", "ssim_y", "psnr_y_bicubic", "ssim_y_bicubic"}
    assert pixels <= set(scores) <= pixels | {"perceptual", "perceptual_bicubic"}  # perceptual: Inception installed
    assert 15 < scores["psnr_y_bicubic"] < 40  # bicubic on real photos: a sane range


def test_tiled_upscaling_equals_whole_image_upscaling(tmp_path: Path):
    from ganforge.apps.translate import translate_tiled

    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset="srresnet-x4", scale=4).replace("steps = 2", "steps = 1"))
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    translator = load_translator(tmp_path / "run")
    image = torch.rand(1, 3, 37, 29) * 2 - 1  # not a multiple of the tile
    radius = translator.receptive_radius
    whole = translator(image)
    tiled = translate_tiled(translator, image, tile=radius)
    assert tiled.shape == whole.shape and (tiled - whole).abs().max() < 1e-5
    # a tile without its padding would differ: the padding is what makes them agree
    translator.receptive_radius = 1
    assert (translate_tiled(translator, image, tile=radius) - whole).abs().max() > 1e-3
    translator.receptive_radius = radius
    with pytest.raises(GanforgeError, match="smaller than the model's receptive radius"):
        translate_tiled(translator, image, tile=radius - 1)


def test_cli_upscale_end_to_end(tmp_path: Path):
    from conftest import run_cli
    from PIL import Image

    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset="srresnet-x4", scale=2).replace("steps = 2", "steps = 1"))
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (21, 30), dtype=np.uint8)).save(tmp_path / "small.png")
    done = run_cli("upscale", "--checkpoint", str(tmp_path / "run"), "--input", str(tmp_path / "small.png"),
                   "--out", str(tmp_path / "big"), "--tile", "12")
    assert done.returncode == 0, done.stderr
    assert "in tiles of 12 pixels" in done.stdout
    assert Image.open(tmp_path / "big" / "small.png").size == (60, 42)  # grayscale in, RGB model: x2, RGB out
    refused = run_cli("upscale", "--checkpoint", str(tmp_path / "run"), "--input", str(tmp_path / "small.png"),
                      "--out", str(tmp_path / "big2"), "--tile", "2")
    assert refused.returncode == 2 and "receptive radius" in refused.stderr and "Traceback" not in refused.stderr


def test_srgan_starts_from_a_trained_srresnet(tmp_path: Path):
    from ganforge.models.io import load_network
    from ganforge.training.config import load_run_config
    from ganforge.training.trainer import Trainer

    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset="srresnet-x4", scale=4).replace("steps = 2", "steps = 1"))
    train(str(config), out=tmp_path / "psnr", device="cpu", progress=False)
    trained = load_network(tmp_path / "psnr").generator.state_dict()
    gan = tmp_path / "gan.toml"
    gan.write_text(TINY_SR.format(preset="srgan-x4", scale=4) + f'init_generator = "{tmp_path / "psnr"}"\n')
    run = load_run_config(str(gan))
    data = load_translation_dataset(run.data, preprocess=run.preprocess)
    trainer = Trainer(run, data, run_dir=tmp_path / "gan", device=torch.device("cpu"), progress=False)
    started = trainer.networks["generator"].state_dict()
    assert all(torch.equal(started[key], value) for key, value in trained.items())
    # another model shape is refused in one line
    other = tmp_path / "other.toml"
    other.write_text(TINY_SR.format(preset="srgan-x4", scale=4).replace("residual_blocks = 1", "residual_blocks = 2")
                     + f'init_generator = "{tmp_path / "psnr"}"\n')
    run = load_run_config(str(other))
    with pytest.raises(GanforgeError, match="holds another model"):
        Trainer(run, data, run_dir=tmp_path / "other", device=torch.device("cpu"), progress=False)


def test_evaluation_refuses_images_too_small_for_the_scale(tmp_path: Path):
    from PIL import Image

    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset="srresnet-x4", scale=4).replace("steps = 2", "steps = 1"))
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    (tmp_path / "tiny").mkdir()
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(tmp_path / "tiny" / "dot.png")
    with pytest.raises(GanforgeError, match="too small to score at x4"):
        evaluate_translation(tmp_path / "run", real=str(tmp_path / "tiny"))


def test_cli_upscale_skips_bad_files_and_writes_nothing_partial(tmp_path: Path):
    from conftest import run_cli, write_bad_images
    from PIL import Image

    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset="srresnet-x4", scale=2).replace("steps = 2", "steps = 1"))
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    reasons = write_bad_images(tmp_path / "mixed")
    Image.fromarray(np.zeros((9, 11, 3), np.uint8)).convert("P").save(tmp_path / "mixed" / "good.png")
    done = run_cli("upscale", "--checkpoint", str(tmp_path / "run"), "--input", str(tmp_path / "mixed"),
                   "--out", str(tmp_path / "big"))
    assert done.returncode == 0, done.stderr
    for name, reason in reasons.items():
        assert f"skipped {name}: " in done.stderr and reason in done.stderr
    assert sorted(p.name for p in (tmp_path / "big").iterdir()) == ["good.png"]
    assert "upscaled 1 image(s)" in done.stdout
    (tmp_path / "mixed" / "good.png").unlink()
    nothing = run_cli("upscale", "--checkpoint", str(tmp_path / "run"), "--input", str(tmp_path / "mixed"),
                      "--out", str(tmp_path / "none"))
    assert nothing.returncode == 2 and "no usable images" in nothing.stderr and "Traceback" not in nothing.stderr
    assert not (tmp_path / "none").exists() or not any((tmp_path / "none").iterdir())
    single = run_cli("upscale", "--checkpoint", str(tmp_path / "run"), "--input", str(tmp_path / "mixed" / "cut.jpg"),
                     "--out", str(tmp_path / "one"))
    assert single.returncode == 2 and "cut.jpg is not a readable image" in single.stderr
    assert len(single.stderr.strip().splitlines()) == 1


def test_export_keeps_what_upscaling_needs(tmp_path: Path):
    from ganforge.models.export import export_generator

    config = tmp_path / "sr.toml"
    config.write_text(TINY_SR.format(preset="srgan-x4", scale=2).replace("steps = 2", "steps = 1"))
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    path = export_generator(tmp_path / "run", tmp_path / "small")
    assert {key.split(".")[0] for key in load_file(path)} == {"generator"}  # no discriminator
    image = torch.rand(1, 3, 9, 14) * 2 - 1
    exported, original = load_translator(tmp_path / "small"), load_translator(tmp_path / "run")
    assert exported.scale == 2 and torch.equal(exported(image), original(image))


def test_shipped_srresnet_upscales_and_beats_bicubic_on_a_real_photo(tmp_path: Path):
    from conftest import run_cli
    from PIL import Image
    from skimage import data

    from ganforge.data.resize import downscale, upscale_bicubic
    from ganforge.metrics.pixels import psnr_y

    truth = data.chelsea()[100:196, 200:328]  # a 128x96 crop of a held-out photo (the cat's face)
    Image.fromarray(downscale(truth, 4, "bicubic")).save(tmp_path / "small.png")
    done = run_cli("upscale", "--model", "srresnet-x4", "--input", str(tmp_path / "small.png"), "--out", str(tmp_path / "big"))
    assert done.returncode == 0, done.stderr
    upscaled = np.asarray(Image.open(tmp_path / "big" / "small.png"))
    assert upscaled.shape == truth.shape
    bicubic = upscale_bicubic(downscale(truth, 4, "bicubic"), 4)
    assert psnr_y(upscaled, truth, 4) > psnr_y(bicubic, truth, 4)
    refused = run_cli("sample", "--model", "srresnet-x4", "--out", str(tmp_path / "x.png"))
    assert refused.returncode == 2 and "upscale" in refused.stderr and "Traceback" not in refused.stderr
