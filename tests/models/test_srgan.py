"""SRResNet and the SRGAN discriminator: shapes at x2 and x4, sub-pixel upsampling, the paper's depth."""

from __future__ import annotations

import pytest
import torch

from ganforge.models import srgan


@pytest.mark.parametrize("scale", [2, 4])
def test_generator_upscales_by_its_factor(scale: int):
    config = srgan.SRGANConfig(scale=scale, generator_width=8, residual_blocks=2, discriminator_width=4)
    networks = srgan.build(config)
    low = torch.rand(2, 3, 12, 20) * 2 - 1  # any size, not square
    high = networks["generator"].eval()(low)
    assert high.shape == (2, 3, 12 * scale, 20 * scale) and high.abs().max() <= 1
    assert sum(isinstance(m, torch.nn.PixelShuffle) for m in networks["generator"].modules()) == scale.bit_length() - 1
    assert networks["discriminator"](high).shape == (2,)


def test_the_paper_configuration():
    networks = srgan.build(srgan.SRGANConfig())
    blocks = [m for m in networks["generator"].modules() if isinstance(m, srgan.SRResidualBlock)]
    assert len(blocks) == 16
    # 1.55 M parameters: SRResNet with batch norm, as Ledig et al. describe it
    assert sum(p.numel() for p in networks["generator"].parameters()) == 1_550_659


def test_scale_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        srgan.SRGANConfig(scale=3)


def test_bicubic_skip_starts_from_bicubic_upscaling():
    config = srgan.SRGANConfig(generator_width=4, residual_blocks=1, bicubic_skip=True)
    generator = srgan.build(config)["generator"].eval()
    last = generator.tail[-1]
    assert isinstance(last, torch.nn.Conv2d)  # no tanh: the residual may take either sign
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.zeros_(last.bias)
    low = torch.rand(1, 3, 10, 6) * 2 - 1
    expected = torch.nn.functional.interpolate(low, scale_factor=4, mode="bicubic", align_corners=False)
    assert torch.allclose(generator(low), expected, atol=1e-6)
