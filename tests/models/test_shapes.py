"""Every preset builds, and its networks have the shapes the preset promises."""

from __future__ import annotations

import pytest
import torch

from ganforge.models import FAMILIES
from ganforge.models.dcgan import DCGANConfig, Discriminator, Generator
from ganforge.training.config import PRESETS


@pytest.mark.parametrize("name", [n for n in PRESETS if FAMILIES.get(PRESETS.get(n).run.family).draws_from_noise])
def test_preset_shapes(name):
    run = PRESETS.get(name).run
    networks = FAMILIES.get(run.family).build(run.model)
    generator = networks["generator"]
    z = generator.sample_latent(3)
    classes = getattr(run.model, "num_classes", 0)
    labels = torch.arange(3) % classes if classes else None
    images = generator(z, labels)
    assert images.shape == (3, *run.model.image_shape)
    if run.family == "dcgan":
        assert images.abs().max() <= 1  # tanh output (StyleGAN2's output is linear, as in the paper)
    if "discriminator" in networks:  # mocogan's two critics: tests/video/test_mocogan.py
        assert networks["discriminator"](images, labels).shape == (3,)


@pytest.mark.parametrize("name", [n for n in PRESETS if FAMILIES.get(PRESETS.get(n).run.family).detects_anomalies])
def test_anomaly_preset_shapes(name):
    run = PRESETS.get(name).run
    family = FAMILIES.get(run.family)
    networks = family.build(run.model)
    images = torch.rand(3, *run.model.image_shape) * 2 - 1
    scores = family.anomaly_score({role: networks[role].eval() for role in family.scoring_roles}, images)
    assert scores.shape == (3,) and torch.isfinite(scores).all()
    if "discriminator" in networks:  # GANomaly's and f-AnoGAN's: features and a logit per image
        features, logits = networks["discriminator"](images)
        assert logits.shape == (3,) and features.shape[0] == 3


def test_dcgan64_is_radford_et_al():
    run = PRESETS.get("dcgan-64").run
    assert run.model.image_shape == (3, 64, 64) and run.model.latent_dim == 100
    assert run.model.generator_channels == (512, 256, 128, 64)  # ngf * 8 .. ngf with ngf = 64


def test_conditional_generator_uses_the_label():
    torch.manual_seed(0)
    generator = Generator(DCGANConfig(num_classes=10)).eval()
    z = generator.sample_latent(2)
    a = generator(z, torch.tensor([1, 1]))
    b = generator(z, torch.tensor([7, 7]))
    assert not torch.allclose(a, b)
    with pytest.raises(ValueError, match="conditional"):
        generator(z)


def test_uniform_latent_is_bounded():
    generator = Generator(DCGANConfig(latent_distribution="uniform"))
    z = generator.sample_latent(1000)
    assert z.min() >= -1 and z.max() <= 1 and z.std() > 0.5


def test_projection_discriminator_depends_on_the_label():
    torch.manual_seed(0)
    discriminator = Discriminator(DCGANConfig(num_classes=10)).eval()
    images = torch.randn(2, 1, 28, 28)
    assert not torch.allclose(discriminator(images, torch.tensor([0, 0])), discriminator(images, torch.tensor([5, 5])))


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="same number"):
        DCGANConfig(generator_channels=(64, 32), discriminator_channels=(64,))
