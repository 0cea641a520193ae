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
    assert set(scores) == {"psnr_y", "ssim_y", "psnr_y_bicubic", "ssim_y_bicubic"}
    assert 15 < scores["psnr_y_bicubic"] < 40  # bicubic on real photos: a sane range
