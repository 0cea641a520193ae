"""StyleGAN2 networks: shapes at two resolutions, demodulation, truncation, style mixing."""

from __future__ import annotations

import pytest
import torch

from ganforge.models import stylegan2
from ganforge.models.stylegan2 import StyleGAN2Config, modulated_conv2d

TINY = {"z_dim": 16, "w_dim": 16, "mapping_layers": 2, "channel_base": 128, "channel_max": 16}


@pytest.mark.parametrize("resolution, num_ws", [(8, 4), (32, 8)])
def test_shapes_at_two_resolutions(resolution: int, num_ws: int):
    config = StyleGAN2Config(resolution=resolution, image_channels=1, **TINY)
    networks = stylegan2.build(config)
    generator, discriminator = networks["generator"], networks["discriminator"]
    images = generator(generator.sample_latent(5))
    assert images.shape == (5, 1, resolution, resolution) and config.num_ws == num_ws
    assert generator.ws(torch.randn(5, 16)).shape == (5, num_ws, 16)
    assert discriminator(images).shape == (5,)
    assert len(generator.synthesis.convs) == num_ws - 1 and len(generator.synthesis.to_rgbs) == num_ws // 2


def test_resolution_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        StyleGAN2Config(resolution=48)


def test_without_mapping_layers_w_is_the_normalised_z():
    config = StyleGAN2Config(resolution=8, **{**TINY, "mapping_layers": 0})
    generator = stylegan2.Generator(config)
    z = torch.randn(4, 16) * 3
    w = generator.ws(z)[:, 0]
    assert torch.allclose(w, z / z.square().mean(1, keepdim=True).sqrt(), atol=1e-5)
    assert generator(z).shape == (4, 3, 8, 8)
    with pytest.raises(ValueError, match="z_dim = w_dim"):
        StyleGAN2Config(resolution=8, **{**TINY, "mapping_layers": 0, "w_dim": 8})
    with pytest.raises(ValueError, match="mapping_layers >= 0"):
        StyleGAN2Config(resolution=8, **{**TINY, "mapping_layers": -1})


def test_demodulation_keeps_unit_output_variance():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4, 64, 16, 16, generator=generator)
    weight = torch.randn(32, 64, 3, 3, generator=generator)
    styles = torch.rand(4, 64, generator=generator) * 5 + 0.1  # far from 1: modulation alone would scale
    out = modulated_conv2d(x, weight, styles)
    assert out[:, :, 1:-1, 1:-1].var().item() == pytest.approx(1.0, abs=0.1)
    raw = modulated_conv2d(x, weight, styles, demodulate=False)
    assert raw.var().item() > 10


def test_modulated_conv_matches_one_sample_at_a_time():
    x, weight, styles = torch.randn(3, 4, 6, 6), torch.randn(5, 4, 3, 3), torch.rand(3, 4)
    batched = modulated_conv2d(x, weight, styles)
    for index in range(3):
        single = modulated_conv2d(x[index : index + 1], weight, styles[index : index + 1])
        assert torch.allclose(batched[index], single[0], atol=1e-5)


def test_fused_modconv_choice_computes_the_same_images_and_gradients(monkeypatch):
    """"eval" (the default) runs the non-fused form while training and the fused one in eval mode; both
    forms give the same images and weight gradients; an unknown choice is refused."""
    used = []
    original = stylegan2.modulated_conv2d
    monkeypatch.setattr(stylegan2, "modulated_conv2d", lambda *a, fused=True, **k: used.append(fused) or original(
        *a, fused=fused, **k))
    torch.manual_seed(0)
    generator = stylegan2.Generator(StyleGAN2Config(resolution=8, **TINY))
    z = torch.randn(3, 16)
    images = generator(z, noise_mode="const")
    assert used and not any(used)  # training mode: non-fused
    used.clear()
    generator.eval()
    assert torch.allclose(generator(z), images, atol=1e-5) and all(used)
    gradients = []
    for choice in ("always", "never"):
        generator.train()
        generator.synthesis.fused_modconv = choice
        generator.zero_grad()
        generator(z, noise_mode="const").square().mean().backward()
        gradients.append(generator.synthesis.convs[1].weight.grad.clone())
    assert torch.allclose(gradients[0], gradients[1], rtol=1e-4, atol=1e-6) and gradients[0].abs().sum() > 0
    with pytest.raises(ValueError, match="fused_modconv must be one of eval, always, never"):
        StyleGAN2Config(resolution=8, **TINY, fused_modconv="sometimes")


def test_truncation_zero_gives_the_average_w_image():
    config = StyleGAN2Config(resolution=8, **TINY)
    generator = stylegan2.Generator(config)
    generator.train()
    generator.mapping(torch.randn(64, 16))  # moves w_avg
    generator.eval()
    average = generator.mapping.w_avg
    assert average.abs().sum() > 0
    ws = generator.ws(torch.randn(3, 16), truncation=0.0)
    assert torch.allclose(ws, average.expand(3, config.num_ws, -1))
    images = generator(torch.randn(3, 16), truncation=0.0, noise_mode="const")
    assert torch.allclose(images[0], images[1], atol=1e-6) and torch.allclose(images[0], images[2], atol=1e-6)
    different = generator(torch.randn(3, 16), truncation=1.0, noise_mode="const")
    assert not torch.allclose(different[0], different[1], atol=1e-3)


def test_style_mixing_swaps_the_right_layers():
    config = StyleGAN2Config(resolution=16, **TINY)
    generator = stylegan2.Generator(config).eval()
    first, second = generator.ws(torch.randn(2, 16)), generator.ws(torch.randn(2, 16))
    mixed = generator.mix(first, second, cut=2)
    assert torch.equal(mixed[:, :2], first[:, :2]) and torch.equal(mixed[:, 2:], second[:, 2:])
    # layers after the last conv of the 4x4 block only change finer detail: coarse layers set the layout
    base = generator.synthesis(first, "const")
    fine = generator.synthesis(generator.mix(first, second, cut=config.num_ws - 1), "const")
    coarse = generator.synthesis(generator.mix(first, second, cut=1), "const")
    assert (fine - base).abs().mean() < (coarse - base).abs().mean()


def test_architecture_table_shows_each_style_layer_and_every_parameter():
    from ganforge.models.summary import layer_table

    config = StyleGAN2Config(resolution=16, image_channels=1, **TINY)
    generator = stylegan2.Generator(config)
    rows = layer_table(generator, torch.zeros(2, 16))
    assert sum(row[3] for row in rows) == sum(p.numel() for p in generator.parameters())
    styles = [row[1] for row in rows if "w[" in row[1]]
    assert styles == ["ModConv 16->16 w[0]", "ToRGB 16->1 w[1]", "up x2, ModConv 16->16 w[1]", "ModConv 16->16 w[2]",
                      "ToRGB 16->1 w[3]", "up x2, ModConv 16->8 w[3]", "ModConv 8->8 w[4]", "ToRGB 8->1 w[5]"]
