"""The family contract, and the template a newcomer copies to add a family (docs/architecture.md, "Add a
family"): a family defined here, outside the package, trains, resumes and samples through the generic trainer
and apps, with nothing in training/ or apps/ knowing it.

In the package the toy would be three files, each ending with its declaration, and one name in each of three
lists: models/toy.py (config, networks, DECLARED_FAMILIES) + `toy` in models.FAMILY_MODULES, objectives/toy.py
(DECLARED_OBJECTIVES) + `toy` in objectives.OBJECTIVE_MODULES, training/presets/toy.py (PRESETS.register) +
`toy` in training/presets/__init__.py. The fixture below registers the declarations as those loops do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from torch import nn

from ganforge.apps import generate
from ganforge.apps.generate import load_model
from ganforge.models import FAMILIES, Family
from ganforge.models.fitting import fit_noise_model
from ganforge.models.io import checkpoint_task
from ganforge.objectives import OBJECTIVES, ObjectiveSpec, Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.training import PRESETS, RunConfig, TrainConfig, train
from ganforge.training.config import Preset


@dataclass(frozen=True)
class ToyConfig:
    """A linear generator and discriminator of 28x28 images."""

    image_channels: int = 1
    latent_dim: int = 8
    num_classes: int = 0
    image_size: int = 28

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return self.image_channels, self.image_size, self.image_size


class ToyGenerator(nn.Module):
    def __init__(self, config: ToyConfig):
        super().__init__()
        self.config = config
        self.linear = nn.Linear(config.latent_dim, 28 * 28)

    def sample_latent(self, count: int, *, device=None, generator=None) -> torch.Tensor:
        return torch.randn(count, self.config.latent_dim, device=device, generator=generator)

    def forward(self, z: torch.Tensor, labels=None) -> torch.Tensor:
        return torch.tanh(self.linear(z)).view(-1, 1, 28, 28)


@dataclass(frozen=True)
class ToyObjectiveConfig:
    """Least squares."""

    real_target: float = 1.0


class ToyObjective(StatelessObjective):
    def __init__(self, config: ToyObjectiveConfig, model_config: ToyConfig):
        self.config = config
        self.optimizers = adversarial_groups()
        self.phases = (Phase("D", ("discriminator",), "discriminator", self.discriminator_loss),
                       Phase("G", ("generator",), "generator", self.generator_loss))

    def _fake(self, context: StepContext) -> torch.Tensor:
        generator = context.networks["generator"]
        return generator(generator.sample_latent(context.batch[0].shape[0]))

    def discriminator_loss(self, context: StepContext):
        critic = context.networks["discriminator"]
        loss = ((critic(context.batch[0]) - self.config.real_target) ** 2).mean() + (critic(self._fake(context).detach()) ** 2).mean()
        return loss, {"loss_D": loss.detach()}

    def generator_loss(self, context: StepContext):
        loss = ((context.networks["discriminator"](self._fake(context)) - self.config.real_target) ** 2).mean()
        return loss, {"loss_G": loss.detach()}


def _build(config: ToyConfig) -> dict[str, nn.Module]:
    return {"generator": ToyGenerator(config), "discriminator": nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 1))}


# what models/toy.py would end with
DECLARED_FAMILIES = (
    Family("toy", ToyConfig, _build, lambda config, data, name: fit_noise_model(config, data, name, conditional=False)),
)
# what objectives/toy.py would end with
DECLARED_OBJECTIVES = {"toy": ObjectiveSpec(ToyObjectiveConfig, ToyObjective)}
# what training/presets/toy.py would hold
DECLARED_PRESETS = {"toy-digits": Preset("a toy: a linear GAN on the 5,000 MNIST digits",
                                         RunConfig("toy", "mnist-5k", ToyConfig(), ToyObjectiveConfig(),
                                                   TrainConfig(steps=3, batch_size=8, sample_every=0), "toy-digits"))}


@pytest.fixture
def toy_family(monkeypatch):
    """The toy's declarations registered as the package's loops register its modules', for this test only."""
    for family in DECLARED_FAMILIES:
        monkeypatch.setitem(FAMILIES._entries, family.name, family)
    for name, spec in DECLARED_OBJECTIVES.items():
        monkeypatch.setitem(OBJECTIVES._entries, name, spec)
    for name, preset in DECLARED_PRESETS.items():
        monkeypatch.setitem(PRESETS._entries, name, preset)


def test_the_families_of_the_package_are_registered_from_their_modules_declarations():
    from ganforge.models import FAMILY_MODULES
    from ganforge.objectives import OBJECTIVE_MODULES

    declared = [family.name for module in FAMILY_MODULES for family in module.DECLARED_FAMILIES]
    assert sorted(declared) == list(FAMILIES) and len(declared) == len(set(declared))
    trained = [name for module in OBJECTIVE_MODULES for name in module.DECLARED_OBJECTIVES]
    assert sorted(trained) == list(OBJECTIVES) == list(FAMILIES)  # every family has exactly one objective
    assert {PRESETS.get(name).run.family for name in PRESETS} <= set(FAMILIES)


def test_a_new_family_trains_from_its_preset(toy_family, tmp_path: Path):
    result = train("toy-digits", out=tmp_path / "run", device="cpu", progress=False)
    assert result.step == 3
    assert checkpoint_task(tmp_path / "run") == "generate"  # the Family's default task


def test_a_family_from_outside_trains_resumes_and_samples(toy_family, tmp_path: Path):
    config = tmp_path / "toy.toml"
    config.write_text('family = "toy"\ndata = "mnist-5k"\n[objective]\nreal_target = 0.9\n'
                      "[train]\nsteps = 3\nbatch_size = 8\nsample_every = 0\nema_decay = 0.5\n")
    first = train(str(config), out=tmp_path / "run", device="cpu", progress=False)
    assert first.step == 3 and first.samples.is_file()
    resumed = train(str(config), out=tmp_path / "run", steps=5, resume=True, device="cpu", progress=False)
    assert resumed.step == 5
    images, labels = generate(load_model(checkpoint=tmp_path / "run"), 4)
    assert images.shape == (4, 1, 28, 28) and labels is None and images.abs().max() <= 1


def test_a_family_refuses_data_it_cannot_fit(toy_family, tmp_path: Path):
    config = tmp_path / "toy.toml"
    config.write_text('family = "toy"\ndata = "mnist-5k"\n[model]\nimage_size = 32\n[train]\nsteps = 1\n')
    with pytest.raises(Exception, match="makes 32x32 images but mnist-5k holds 28x28"):
        train(str(config), out=tmp_path / "run", device="cpu", progress=False)
