"""StyleGAN2 in the generic trainer: every regulariser has gradients, ADA adapts its probability,
and its state (with the path-length average) survives resume exactly."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from ganforge.data import load_training_data
from ganforge.models.stylegan2 import StyleGAN2Config, build
from ganforge.objectives.phase import StepContext
from ganforge.objectives.stylegan2 import StyleGAN2Objective, StyleGAN2ObjectiveConfig
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.training.config import load_run_config
from ganforge.training.trainer import Trainer

TINY_TOML = """
family = "stylegan2"
data = "mnist-5k"
[model]
resolution = 8
z_dim = 16
w_dim = 16
mapping_layers = 2
channel_base = 64
channel_max = 16
[objective]
r1_gamma = 0.1
r1_interval = 2
pl_interval = 2
augment = "ada"
ada_interval = 1
ada_speed_images = 40
ada_target = -0.99  # below any r_t: p rises every step, so its saved value is not trivially 0
[preprocess]
load_size = 8
[train]
steps = 4
batch_size = 4
lr_generator = 0.0025
lr_discriminator = 0.0025
beta1 = 0.0
beta2 = 0.99
sample_every = 0
log_every = 1
"""


def _networks(mapping_layers: int = 2):
    torch.manual_seed(0)
    config = StyleGAN2Config(resolution=8, image_channels=1, z_dim=16, w_dim=16, mapping_layers=mapping_layers,
                             channel_base=64, channel_max=16)
    return config, build(config)


@pytest.mark.parametrize("mapping_layers", [2, 0])  # 0: w = z, no mapping network in the graph
@pytest.mark.parametrize("phase_name, role", [("D_r1", "discriminator"), ("G_pl", "generator"),
                                              ("D", "discriminator"), ("G", "generator")])
def test_each_phase_has_gradients_for_its_network(phase_name: str, role: str, mapping_layers: int):
    config, networks = _networks(mapping_layers)
    objective = StyleGAN2Objective(StyleGAN2ObjectiveConfig(augment="diffaugment"), config)
    phase = next(p for p in objective.phases if p.name == phase_name)
    real = torch.rand(4, 1, 8, 8) * 2 - 1
    loss, stats = phase.loss(StepContext(0, networks, (real, None)))
    loss.backward()
    grads = [p.grad for p in networks[role].parameters() if p.grad is not None]
    assert loss.item() > 0 and grads and sum(g.abs().sum() for g in grads) > 0
    if phase_name == "G_pl":
        assert objective.pl_mean > 0 and stats["path_length"] > 0  # the moving average moved


def test_ada_raises_p_when_the_discriminator_is_sure_of_the_reals():
    config, _ = _networks()
    objective = StyleGAN2Objective(StyleGAN2ObjectiveConfig(augment="ada", ada_interval=1, ada_speed_images=8), config)
    objective._adapt(torch.ones(4), 4)  # r_t = 1 > 0.6: overfitting
    assert objective.augment_probability == pytest.approx(0.5)
    objective._adapt(-torch.ones(4), 4)  # r_t = -1: back down
    assert objective.augment_probability == pytest.approx(0.0)


def test_resume_is_exact_with_the_augmentation_state(tmp_path: Path):
    config = tmp_path / "sg.toml"
    config.write_text(TINY_TOML)
    train(str(config), out=tmp_path / "straight", device="cpu", progress=False)
    train(str(config), out=tmp_path / "split", steps=2, device="cpu", progress=False)
    train(str(config), out=tmp_path / "split", steps=4, device="cpu", progress=False, resume=True)
    a, b = ({**load_file(latest_checkpoint(run) / "model.safetensors"),
             **load_file(latest_checkpoint(run) / "training.safetensors")} for run in (tmp_path / "straight",
                                                                                       tmp_path / "split"))
    assert a["objective.ada_p"] > 0 and a["objective.pl_mean"] > 0  # the state is saved and moved
    assert a.keys() == b.keys() and [k for k in a if not torch.equal(a[k], b[k])] == []


def test_mnist_is_resized_to_the_resolution(tmp_path: Path):
    config = tmp_path / "sg.toml"
    config.write_text(TINY_TOML)
    run = load_run_config(str(config))
    data = load_training_data("images", run.data, preprocess=run.preprocess)
    assert data.image_shape == (1, 8, 8)
    trainer = Trainer(run, data, run_dir=tmp_path / "run", device=torch.device("cpu"), progress=False)
    stats = trainer.train_step(0)
    assert {"loss_D", "loss_G", "r1", "path_length", "augment_p"} <= stats.keys()


def test_cli_sample_mix_interpolate_and_their_bad_input(tmp_path: Path):
    from conftest import run_cli, run_main
    from PIL import Image

    config = tmp_path / "sg.toml"
    config.write_text(TINY_TOML.replace("steps = 4", "steps = 1"))
    train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    run = str(tmp_path / "run")
    mixed = run_cli("mix", "--checkpoint", run, "--rows", "1,2", "--cols", "3-5", "--scale", "1",
                    "--out", str(tmp_path / "mix.png"))
    assert mixed.returncode == 0, mixed.stderr
    assert Image.open(tmp_path / "mix.png").size == (4 * 8 + 5 * 2, 3 * 8 + 4 * 2)  # (1 + cols) x (1 + rows), padded
    walk = run_cli("interpolate", "--checkpoint", run, "--seeds", "1,2", "--steps", "3", "--out", str(tmp_path / "w.gif"))
    assert walk.returncode == 0, walk.stderr
    assert Image.open(tmp_path / "w.gif").n_frames == 6
    truncated = run_cli("sample", "--checkpoint", run, "--num", "4", "--truncation", "1.5", "--out", str(tmp_path / "s.png"))
    assert truncated.returncode == 0 and "warning: --truncation 1.5" in truncated.stderr
    for args, message in (
        (("sample", "--checkpoint", run, "--truncation", "-0.5", "--out", str(tmp_path / "t.png")), "is negative"),
        (("mix", "--checkpoint", run, "--rows", "1,a", "--cols", "2", "--out", str(tmp_path / "m.png")), "whole numbers"),
        (("mix", "--checkpoint", run, "--rows", "1", "--cols", "2", "--cut", "99", "--out", str(tmp_path / "m.png")),
         "--cut 99"),
        (("interpolate", "--checkpoint", run, "--seeds", "1", "--out", str(tmp_path / "w2.gif")), "at least two seeds"),
    ):
        refused = run_main(*args)
        assert refused.returncode == 2 and message in refused.stderr and "Traceback" not in refused.stderr, args


def test_a_run_on_resized_digits_is_evaluated_while_training(tmp_path: Path, monkeypatch):
    # mnist-5k resized for the generator (here 8x8; the preset's 32x32) is scored by the 28x28 digit
    # network, real and generated images resized alike (this stopped stylegan2-mnist at its first evaluation)
    monkeypatch.setenv("GANFORGE_DATA", str(tmp_path / "cache"))
    config = tmp_path / "tiny.toml"
    config.write_text(TINY_TOML + "eval_num = 40\n")
    result = train(str(config), out=tmp_path / "run", steps=2, device="cpu", progress=False, eval_every=1)
    lines = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    logged = {line["step"]: line["eval/fid"] for line in lines if "eval/fid" in line}
    assert sorted(logged) == [1, 2] and all(0 < value < 1e4 for value in logged.values())
    assert result.best["features"] == "digits"


def test_lazy_adam_scales_the_learning_rates_and_betas_of_the_regularised_networks(tmp_path: Path):
    config = tmp_path / "sg.toml"
    config.write_text(TINY_TOML.replace("steps = 4", "steps = 1"))
    run = load_run_config(str(config))
    data = load_training_data("images", run.data, preprocess=run.preprocess)
    plain = Trainer(run, data, run_dir=tmp_path / "plain", device=torch.device("cpu"), progress=False)
    lazy_run = dataclasses.replace(run, objective=dataclasses.replace(run.objective, lazy_adam=True))
    lazy = Trainer(lazy_run, data, run_dir=tmp_path / "lazy", device=torch.device("cpu"), progress=False)
    for name, interval in (("generator", 2), ("discriminator", 2)):  # pl_interval = r1_interval = 2 here
        ratio = interval / (interval + 1)
        plain_group, lazy_group = plain.optimizers[name].param_groups[0], lazy.optimizers[name].param_groups[0]
        assert lazy_group["lr"] == pytest.approx(plain_group["lr"] * ratio)
        assert lazy_group["betas"] == pytest.approx(tuple(beta**ratio for beta in plain_group["betas"]))
