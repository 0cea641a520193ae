"""The CycleGAN and pix2pix steps: the image pool, which networks each phase trains, the L1-only baseline."""

from __future__ import annotations

import pytest
import torch

from ganforge.errors import GanforgeError
from ganforge.models.cyclegan import CycleGANConfig
from ganforge.models.pix2pix import Pix2PixConfig
from ganforge.objectives.cyclegan import CycleGANObjective, CycleGANObjectiveConfig, ImagePool
from ganforge.objectives.paired import PairedObjective, Pix2PixObjectiveConfig


def test_image_pool_fills_then_mixes_past_and_new_images():
    torch.manual_seed(0)
    pool = ImagePool(4)
    first = torch.arange(4.0).view(4, 1, 1, 1)
    assert torch.equal(pool.query(first), first)  # filling: every image comes straight back
    new = torch.arange(100.0, 164.0).view(64, 1, 1, 1)
    out = pool.query(new).flatten()
    from_past = out != new.flatten()  # a stored image came back in place of the new one
    assert 20 < int(from_past.sum()) < 44  # about half are swapped for stored images
    assert len(pool.images) == 4
    # the stored images survive a checkpoint round trip
    restored = ImagePool(4)
    restored.load(pool.state())
    assert torch.equal(torch.stack(restored.images), torch.stack(pool.images))
    assert torch.equal(ImagePool(0).query(new), new)


def test_cyclegan_phases_train_generators_then_discriminators():
    objective = CycleGANObjective(CycleGANObjectiveConfig(), CycleGANConfig(channels_a=1, channels_b=1))
    assert [(p.name, p.trains) for p in objective.phases] == [
        ("G", ("generator_ab", "generator_ba")), ("D", ("discriminator_a", "discriminator_b"))]


def test_identity_loss_needs_equal_channels():
    with pytest.raises(GanforgeError, match="identity_weight = 0"):
        CycleGANObjective(CycleGANObjectiveConfig(), CycleGANConfig(channels_a=1, channels_b=3))
    CycleGANObjective(CycleGANObjectiveConfig(identity_weight=0), CycleGANConfig(channels_a=1, channels_b=3))


def test_the_mask_weight_charges_the_attention_masks_and_needs_them():
    from ganforge.models import cyclegan
    from ganforge.objectives.phase import StepContext

    model = CycleGANConfig(channels_a=1, channels_b=1, generator_width=4, residual_blocks=1, discriminator_width=4,
                           output="attention")
    torch.manual_seed(0)
    networks = cyclegan.build(model)
    batch = (torch.rand(2, 1, 32, 32) * 2 - 1, torch.rand(2, 1, 32, 32) * 2 - 1)
    losses = {}
    for weight in (0.0, 3.0):
        objective = CycleGANObjective(CycleGANObjectiveConfig(mask_weight=weight), model)
        losses[weight], stats = objective.generator_loss(StepContext(step=0, networks=networks, batch=batch))
    with torch.no_grad():
        masks = [networks[role](x, with_mask=True)[1].mean() for role, x in zip(("generator_ab", "generator_ba"), batch)]
    assert 0 < float(stats["mask"]) < 1 and torch.isclose(stats["mask"], sum(masks) / 2)
    assert torch.isclose(losses[3.0] - losses[0.0], 3.0 * sum(masks), rtol=1e-4)
    with pytest.raises(GanforgeError, match='set \\[model\\] output = "attention" or drop mask_weight'):
        CycleGANObjective(CycleGANObjectiveConfig(mask_weight=1), CycleGANConfig(channels_a=1, channels_b=1))


def test_l1_only_baseline_has_no_discriminator_phase():
    model = Pix2PixConfig(channels_a=1, channels_b=3)
    assert [p.name for p in PairedObjective(Pix2PixObjectiveConfig(), model).phases] == ["D", "G"]
    assert [p.name for p in PairedObjective(Pix2PixObjectiveConfig(adversarial_weight=0), model).phases] == ["G"]


def test_colour_class_rebalancing_strength_reaches_the_loss():
    """objective.rebalance is the lambda of Zhang et al.'s weights: 1 weighs every cell alike, lower lifts
    the rare cells, so a batch whose pixels are mostly one colour and partly a rare one is scored
    differently; 0 or above 1 is refused."""
    from types import SimpleNamespace

    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match="rebalance"):
            Pix2PixObjectiveConfig(rebalance=bad)
    model = Pix2PixConfig(channels_a=1, channels_b=2, output="chroma-classes")
    torch.manual_seed(0)
    logits = torch.randn(1, 261, 4, 4)
    targets = torch.zeros(1, 2, 4, 4)
    targets[:, :, :1, :1] = torch.tensor([0.5, 0.4]).view(1, 2, 1, 1)  # one rare saturated pixel, the rest gray
    losses = {}
    for rebalance in (1.0, 0.5, 0.1):
        config = Pix2PixObjectiveConfig(l1_weight=0, adversarial_weight=0, classes_weight=1, rebalance=rebalance)
        objective = PairedObjective(config, model)
        losses[rebalance] = float(objective._classes_loss(SimpleNamespace(all_reduce=lambda t: t), logits, targets))
    assert len({round(v, 6) for v in losses.values()}) == 3
