"""The GAN step of the dcgan and wavegan families: the AC-GAN class head and its losses, DiffAugment."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ganforge.data import load_dataset
from ganforge.models.dcgan import DCGANConfig, Discriminator, Generator
from ganforge.models.wavegan import Discriminator as WaveDiscriminator
from ganforge.models.wavegan import WaveGANConfig
from ganforge.objectives.gan import GANObjective, GANObjectiveConfig
from ganforge.objectives.phase import StepContext

TINY = {"num_classes": 10, "generator_channels": (16, 8), "discriminator_channels": (8, 16)}


def test_class_head_needs_a_conditional_model_and_the_weight_needs_the_head():
    with pytest.raises(ValueError, match="conditional"):
        DCGANConfig(auxiliary_classifier=True)
    with pytest.raises(ValueError, match="conditional"):
        WaveGANConfig(auxiliary_classifier=True)
    with pytest.raises(ValueError, match="auxiliary_classifier=True"):
        GANObjective(GANObjectiveConfig(classifier_weight=1.0), DCGANConfig(**TINY))
    with pytest.raises(ValueError, match="no auxiliary classifier"):
        Discriminator(DCGANConfig(**TINY))(torch.zeros(2, 1, 28, 28), torch.tensor([0, 1]), with_classes=True)


def test_both_discriminators_name_classes_beside_their_score():
    config = DCGANConfig(**TINY, auxiliary_classifier=True)
    logits, classes = Discriminator(config)(torch.zeros(3, 1, 28, 28), torch.tensor([0, 1, 2]), with_classes=True)
    assert logits.shape == (3,) and classes.shape == (3, 10)
    wave = WaveGANConfig(num_classes=4, generator_channels=(8,) * 5, discriminator_channels=(8,) * 5,
                         auxiliary_classifier=True)
    logits, classes = WaveDiscriminator(wave)(torch.zeros(2, 1, 16384), torch.tensor([0, 3]), with_classes=True)
    assert logits.shape == (2,) and classes.shape == (2, 4)


def _step(objective, generator, discriminator, images, labels, step=0):
    return StepContext(step, {"generator": generator, "discriminator": discriminator}, (images, labels))


def test_discriminator_phase_teaches_the_head_to_read_real_digits():
    torch.manual_seed(0)
    data, held = load_dataset("mnist-5k"), load_dataset("mnist-5k", "heldout")
    config = DCGANConfig(**TINY, discriminator_norm="none", auxiliary_classifier=True)
    objective = GANObjective(GANObjectiveConfig(loss="wgan-gp", reuse_fakes=False, classifier_weight=1.0), config)
    generator, discriminator = Generator(config), Discriminator(config)
    optimizer = torch.optim.Adam(discriminator.parameters(), 1e-3, betas=(0.5, 0.9))
    rng = np.random.default_rng(0)
    d_phase = objective.phases[0]
    for step in range(120):
        images, labels = data.batch(rng.choice(len(data), 64, replace=False))
        loss, stats = d_phase.loss(_step(objective, generator, discriminator, images, labels, step))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert set(stats) >= {"loss_D", "D_class", "gradient_penalty"}
    images, labels = held.batch(np.arange(500))
    with torch.no_grad():
        _, classes = discriminator(images, labels, with_classes=True)
    accuracy = (classes.argmax(1) == labels).float().mean().item()
    assert accuracy > 0.6, accuracy  # chance is 0.1; the head saw only the training digits


def test_generator_phase_adds_the_class_loss_of_its_fakes():
    torch.manual_seed(0)
    config = DCGANConfig(**TINY, auxiliary_classifier=True)
    generator, discriminator = Generator(config), Discriminator(config)
    images, labels = torch.zeros(8, 1, 28, 28), torch.arange(8)
    with_head = GANObjective(GANObjectiveConfig(reuse_fakes=False, classifier_weight=2.0), config)
    torch.manual_seed(1)
    loss, stats = with_head.phases[1].loss(_step(with_head, generator, discriminator, images, labels))
    assert math.isclose(loss.item(), stats["loss_G"].item() + 2.0 * stats["G_class"].item(), rel_tol=1e-5)
    loss.backward()  # the class loss reaches the generator through its fakes
    assert generator.convs[-2].weight.grad.abs().sum() > 0
    without = GANObjective(GANObjectiveConfig(reuse_fakes=False), config)
    torch.manual_seed(1)
    plain, plain_stats = without.phases[1].loss(_step(without, generator, discriminator, images, labels))
    assert "G_class" not in plain_stats and math.isclose(plain.item(), stats["loss_G"].item(), rel_tol=1e-5)


def test_label_embedding_starts_on_the_scale_asked():
    small = Generator(DCGANConfig(**TINY)).label_embedding.weight
    unit = Generator(DCGANConfig(**TINY, label_embed_std=1.0)).label_embedding.weight
    assert 0.01 < small.std().item() < 0.03 and 0.8 < unit.std().item() < 1.2
    with pytest.raises(ValueError, match="label_embed_std"):
        DCGANConfig(**TINY, label_embed_std=0.0)


class _Recorder(torch.nn.Module):
    """A discriminator that remembers what it was shown."""

    def __init__(self, inner):
        super().__init__()
        self.inner, self.seen = inner, []

    def forward(self, images, labels=None, **kwargs):
        self.seen.append(images.detach().clone())
        return self.inner(images, labels, **kwargs)


def test_diffaugment_transforms_every_image_the_discriminator_sees_and_keeps_the_generator_gradient():
    torch.manual_seed(0)
    config = DCGANConfig(**TINY)
    generator, discriminator = Generator(config), _Recorder(Discriminator(config))
    real = load_dataset("mnist-5k").batch(np.arange(16))
    objective = GANObjective(GANObjectiveConfig(augment="diffaugment", augment_policy="translation,cutout",
                                                r1_weight=1.0), config)
    context = _step(objective, generator, discriminator, *real)
    d_phase, g_phase, r1_phase = objective.phases
    d_phase.loss(context)
    shown_real = discriminator.seen[1]  # fakes first, then reals
    # cutout zeroes a square in every image: pixels of the (background -1) digits become 0
    assert ((shown_real == 0).flatten(1).sum(1) > 0).all() and not torch.equal(shown_real, real[0])
    loss, _ = g_phase.loss(context)
    assert ((discriminator.seen[2] == 0).flatten(1).sum(1) > 0).all()
    loss.backward()  # through the augmentation, to the generator
    assert generator.convs[-2].weight.grad.abs().sum() > 0
    r1_phase.loss(context)
    assert ((discriminator.seen[3] == 0).flatten(1).sum(1) > 0).all()
    plain = GANObjective(GANObjectiveConfig(), config)
    plain.phases[0].loss(_step(plain, generator, discriminator, *real))
    assert torch.equal(discriminator.seen[-1], real[0])  # off by default: the real batch as it is


def test_diffaugment_settings_are_checked():
    with pytest.raises(ValueError, match="diffaugment"):
        GANObjectiveConfig(augment="ada")
    with pytest.raises(ValueError, match="unknown augmentation 'flip'"):
        GANObjectiveConfig(augment="diffaugment", augment_policy="flip")
