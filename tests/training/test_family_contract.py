"""The family contract: a family defined here, outside the package (a model, an objective, two
registrations), trains, resumes and samples through the generic trainer and apps, with nothing in
training/ or apps/ knowing it."""

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
from ganforge.objectives import OBJECTIVES, ObjectiveSpec, Phase, StatelessObjective, StepContext, adversarial_groups
from ganforge.training import train


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


@pytest.fixture
def toy_family(monkeypatch):
    family = Family("toy", ToyConfig, _build, lambda config, data, name: fit_noise_model(config, data, name,
                                                                                         conditional=False))
    monkeypatch.setitem(FAMILIES._entries, "toy", family)  # registered for this test only
    monkeypatch.setitem(OBJECTIVES._entries, "toy", ObjectiveSpec(ToyObjectiveConfig, ToyObjective))


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
