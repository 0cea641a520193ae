"""The translation networks have the papers' shapes and sizes."""

from __future__ import annotations

import pytest
import torch

from ganforge.models import FAMILIES, cyclegan, pix2pix
from ganforge.models.patchgan import patch_receptive_field


def _parameters(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_parameter_counts_match_the_reference_implementations():
    # junyanz/pytorch-CycleGAN-and-pix2pix prints these for resnet_9blocks, unet_256 and basic D
    networks = cyclegan.build(cyclegan.CycleGANConfig())
    assert _parameters(networks["generator_ab"]) == 11_378_179
    assert _parameters(networks["discriminator_a"]) == 2_764_737
    networks = pix2pix.build(pix2pix.Pix2PixConfig())
    assert _parameters(networks["generator"]) == 54_413_955
    assert _parameters(networks["discriminator"]) == 2_768_705  # it sees A and B: 6 input channels


def test_patchgan_sees_70x70_patches():
    assert patch_receptive_field(3) == 70 and patch_receptive_field(2) == 34
    # one logit changes only when a pixel inside its patch changes (no norm: instance norm's
    # statistics would spread every pixel's influence over the whole image)
    torch.manual_seed(0)
    config = cyclegan.CycleGANConfig(generator_width=4, discriminator_width=4, norm="none")
    disc = cyclegan.build(config)["discriminator_a"].eval()
    x = torch.randn(1, 3, 128, 128)
    base = disc(x)[0, 0, 0, 0]
    near, far = x.clone(), x.clone()
    # the first logit's window spans pixels -23..46 (70 wide; the padding of the 5 convs shifts it by 23)
    near[..., 46, 46] += 5
    far[..., 47, 47] += 5
    assert disc(near)[0, 0, 0, 0] != base and disc(far)[0, 0, 0, 0] == base


@pytest.mark.parametrize("depth, size", [(5, 32), (6, 64)])
def test_unet_keeps_the_size_and_uses_its_skips(depth: int, size: int):
    config = pix2pix.Pix2PixConfig(channels_a=1, channels_b=3, generator_width=8, unet_depth=depth)
    networks = pix2pix.build(config)
    generator = networks["generator"].eval()
    x = torch.rand(2, 1, size, size) * 2 - 1
    y = generator(x)
    assert y.shape == (2, 3, size, size) and y.abs().max() <= 1
    assert networks["discriminator"](x, y).dim() == 4
    # a local change of the input changes the output nearby more than far away (skip connections)
    bumped = x.clone()
    bumped[..., :4, :4] = 1
    change = (generator(bumped) - y).abs().mean(dim=(0, 1))
    assert change[:4, :4].mean() > change[-8:, -8:].mean()


def test_resnet_generator_maps_between_channel_counts():
    config = cyclegan.CycleGANConfig(channels_a=1, channels_b=3, generator_width=8, residual_blocks=2)
    networks = FAMILIES.get("cyclegan").build(config)
    a = torch.randn(2, 1, 20, 28)  # any multiple of 4, not square
    assert networks["generator_ab"](a).shape == (2, 3, 20, 28)
    assert networks["generator_ba"](networks["generator_ab"](a)).shape == a.shape


def test_resize_upsampling_paints_no_checkerboard():
    # uniform weights on a uniform image: a stride-2 transposed 3x3 conv sums 1, 2 or 4 taps by output
    # pixel parity (a checkerboard); nearest x2 then a conv3 sums 9 taps everywhere
    for mode, uneven in (("transposed", True), ("resize", False)):
        layers = torch.nn.Sequential(*cyclegan.upsampling(mode, 1, 1, bias=False))
        for parameter in layers.parameters():
            torch.nn.init.ones_(parameter)
        with torch.no_grad():
            inner = layers(torch.ones(1, 1, 8, 8))[0, 0, 2:-2, 2:-2]
        assert inner.shape == (12, 12) and bool(inner.max() > inner.min()) == uneven, mode


def test_resize_generator_keeps_shapes_and_size():
    plain = cyclegan.CycleGANConfig(generator_width=8, residual_blocks=2)
    resized = cyclegan.CycleGANConfig(generator_width=8, residual_blocks=2, upsample="resize")
    a = torch.randn(2, 3, 20, 28)
    generator = cyclegan.build(resized)["generator_ab"]
    assert generator(a).shape == a.shape
    # the same weights in number: conv3 and transposed conv3 have in * out * 9 each
    assert _parameters(generator) == _parameters(cyclegan.build(plain)["generator_ab"])
    with pytest.raises(ValueError, match="upsample must be one of transposed, resize"):
        cyclegan.CycleGANConfig(upsample="bilinear")


def test_an_attention_generator_passes_the_input_through_where_its_mask_is_closed():
    config = cyclegan.CycleGANConfig(generator_width=8, residual_blocks=1, output="attention")
    generator = cyclegan.build(config)["generator_ab"]
    a = torch.rand(2, 3, 20, 28) * 2 - 1
    last = generator.net[-1]
    assert last.out_channels == 4  # the image and one mask channel, no tanh on the mask
    with torch.no_grad():
        out, mask = generator(a, with_mask=True)
        assert out.shape == a.shape and mask.shape == (2, 1, 20, 28) and 0 < float(mask.min()) < float(mask.max()) < 1
        last.bias[3] = -40.0  # mask shut: the input, untouched
        assert torch.allclose(generator(a), a, atol=1e-6)
        last.bias[3] = 40.0  # mask open: the network's own image, as a plain generator would give
        assert not torch.allclose(generator(a), a, atol=0.1) and float(generator(a).abs().max()) <= 1
    plain = cyclegan.build(cyclegan.CycleGANConfig(generator_width=8, residual_blocks=1))["generator_ab"]
    assert plain(a, with_mask=True)[1] is None
    with pytest.raises(ValueError, match="A and B need as many channels"):
        cyclegan.CycleGANConfig(channels_a=1, channels_b=3, output="attention")
    with pytest.raises(ValueError, match="output must be one of image, attention"):
        cyclegan.CycleGANConfig(output="mask")
