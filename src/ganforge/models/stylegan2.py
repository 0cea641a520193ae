"""StyleGAN2 (Karras et al. 2020, config F as the reference) in plain PyTorch: no custom CUDA ops,
so it runs on a CPU at 32x32 and unchanged on a GPU at 1024x1024.

Generator = mapping network + synthesis network.
  mapping    z (z_dim) -> normalise (z * rsqrt(mean z^2)) -> [equalised dense, lr x0.01, LeakyReLU]
             x mapping_layers -> w (w_dim); a moving average of w (w_avg) is kept for truncation.
             mapping_layers = 0 (not in the paper) feeds the normalised z to the styles as w.
  synthesis  learned constant (C4, 4, 4) -> conv 3x3 -> toRGB at 4x4; then per resolution 8 ... R:
             upsample x2 (the [1,3,3,1] filter, i.e. bilinear) -> conv 3x3 -> conv 3x3 -> toRGB,
             image = upsample(image) + toRGB(x) (the "skip" generator). Every conv is modulated by
             its own affine style of w (demodulated: unit output variance), adds per-pixel noise
             times a learned strength, a bias and LeakyReLU(0.2) x sqrt(2). toRGB is a modulated 1x1
             conv without demodulation.
  ws         one w per layer: num_ws = 2 log2(R) - 2 (a block's toRGB shares the next block's first
             w, as in NVlabs' code). Style mixing feeds w1 to layers < cut and w2 from the cut on;
             truncation moves each w towards w_avg: w_avg + psi (w - w_avg).
Discriminator (residual): fromRGB (1x1) at R, then per resolution R ... 8: conv 3x3 -> conv 3x3 ->
  blur + /2, plus a 1x1 skip of the blurred input, summed and scaled by sqrt(1/2); at 4x4 the
  minibatch standard deviation (groups of 4) as one more channel, conv 3x3, dense, dense -> logit.
Equalised learning rate everywhere: weights ~ N(0, 1) / lr_multiplier, scaled at run time by
lr_multiplier / sqrt(fan_in). Modulated convs of a whole batch run as one grouped convolution.
Channels at resolution r: min(channel_base // r, channel_max) (config F: 32768 and 512).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ganforge.models.family import STYLE, Family
from ganforge.models.fitting import fit_noise_model

# StyleGAN2Config.fused_modconv -> modulated_conv2d's `fused` (None: fused in eval mode only)
FUSED_MODCONV = {"eval": None, "always": True, "never": False}

SQRT2 = math.sqrt(2)


@dataclass(frozen=True)
class StyleGAN2Config:
    """Networks of the stylegan2 family."""

    resolution: int = 32  # image side, a power of two from 8 to 1024
    image_channels: int = 3  # 1 grayscale, 3 RGB (set from the data when training)
    z_dim: int = 512  # noise vector
    w_dim: int = 512  # intermediate latent (style) vector
    mapping_layers: int = 8  # dense layers of the mapping network; 0: w is the normalised z
    mapping_lr_multiplier: float = 0.01  # the mapping network learns 100x slower (equalised lr)
    channel_base: int = 32768  # channels at resolution r: min(channel_base // r, channel_max)
    channel_max: int = 512
    w_avg_beta: float = 0.995  # moving average of w for truncation
    minibatch_std_group: int = 4  # group size of the minibatch standard deviation
    # how modulated convolutions run (modulated_conv2d): "eval" fuses them into one grouped convolution of
    # the batch only in eval mode and scales the activations while training (NVlabs' choice; faster to train
    # on a CPU: bench/speed/stylegan2_speed.py --modconv); "always" and "never" force one form
    fused_modconv: str = "eval"

    def __post_init__(self):
        if self.resolution < 8 or self.resolution & (self.resolution - 1):
            raise ValueError(f"resolution must be a power of two >= 8, not {self.resolution}")
        if self.resolution > 1024:
            raise ValueError(f"resolution must be at most 1024, not {self.resolution}")
        if min(self.z_dim, self.w_dim, self.channel_base, self.channel_max) < 1 or self.mapping_layers < 0:
            raise ValueError("z_dim, w_dim, channel_base and channel_max must be >= 1, mapping_layers >= 0")
        if self.mapping_layers == 0 and self.z_dim != self.w_dim:
            raise ValueError(f"mapping_layers = 0 uses z as w: set z_dim = w_dim (now {self.z_dim} and {self.w_dim})")
        if self.fused_modconv not in FUSED_MODCONV:
            raise ValueError(f"fused_modconv must be one of {', '.join(FUSED_MODCONV)}, not {self.fused_modconv!r}")

    def channels(self, resolution: int) -> int:
        """Feature channels at one resolution."""
        return max(1, min(self.channel_base // resolution, self.channel_max))

    @property
    def resolutions(self) -> list[int]:
        """4, 8, ..., resolution."""
        return [2**k for k in range(2, int(math.log2(self.resolution)) + 1)]

    @property
    def num_ws(self) -> int:
        """How many w vectors the synthesis network takes (one per conv and the last toRGB)."""
        return 2 * int(math.log2(self.resolution)) - 2

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of generated images."""
        return self.image_channels, self.resolution, self.resolution

    @property
    def image_size(self) -> int:
        """Side of the generated square images."""
        return self.resolution

    @property
    def latent_dim(self) -> int:
        """Size of z, under the name the trainer's sampling uses."""
        return self.z_dim


class EqualLinear(nn.Module):
    """Dense layer with the equalised learning rate; optional LeakyReLU(0.2) x sqrt(2)."""

    def __init__(self, inputs: int, outputs: int, *, bias_init: float = 0.0, lr_multiplier: float = 1.0,
                 activate: bool = False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs) / lr_multiplier)
        self.bias = nn.Parameter(torch.full((outputs,), float(bias_init)) / lr_multiplier)
        self.weight_gain = lr_multiplier / math.sqrt(inputs)
        self.lr_multiplier = lr_multiplier
        self.activate = activate

    def describe(self) -> str:
        """One line for architecture tables."""
        return f"EqualLinear {self.weight.shape[1]}->{self.weight.shape[0]}"

    def forward(self, x: Tensor) -> Tensor:
        """x (B, inputs) -> (B, outputs)."""
        x = F.linear(x, self.weight * self.weight_gain, self.bias * self.lr_multiplier)
        return F.leaky_relu(x, 0.2) * SQRT2 if self.activate else x


class EqualConv2d(nn.Module):
    """Plain convolution with the equalised learning rate (the discriminator's)."""

    def __init__(self, inputs: int, outputs: int, kernel: int, *, bias: bool = True, activate: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(outputs)) if bias else None
        self.weight_gain = 1 / math.sqrt(inputs * kernel * kernel)
        self.activate = activate

    def describe(self) -> str:
        """One line for architecture tables."""
        outputs, inputs, kernel, _ = self.weight.shape
        return f"EqualConv {inputs}->{outputs} k{kernel}"

    def forward(self, x: Tensor) -> Tensor:
        """Same-size convolution."""
        x = F.conv2d(x, self.weight * self.weight_gain, self.bias, padding=self.weight.shape[-1] // 2)
        return F.leaky_relu(x, 0.2) * SQRT2 if self.activate else x


def upsample2x(x: Tensor) -> Tensor:
    """x2 with the [1, 3, 3, 1] filter (the same as bilinear with half-pixel centres)."""
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


def downsample2x(x: Tensor) -> Tensor:
    """Blur with the [1, 3, 3, 1] filter (separable, normalised), then keep every other pixel."""
    kernel = x.new_tensor([1.0, 3.0, 3.0, 1.0])
    kernel = (kernel[:, None] * kernel[None, :]) / 64
    channels = x.shape[1]
    x = F.pad(x, (1, 1, 1, 1), mode="reflect" if min(x.shape[-2:]) > 1 else "replicate")
    return F.conv2d(x, kernel.expand(channels, 1, 4, 4), stride=2, groups=channels)


def modulated_conv2d(x: Tensor, weight: Tensor, styles: Tensor, demodulate: bool = True, fused: bool = True) -> Tensor:
    """x (B, I, H, W), weight (O, I, k, k), styles (B, I) -> (B, O, H, W): each sample's weights
    scaled by its styles per input channel and (demodulate) renormalised to unit L2 norm per output
    channel, run as one grouped convolution of the whole batch. fused=False computes the same on the
    activations instead (scale the input by the styles, convolve with the shared weights, scale the
    output by the demodulation coefficients; NVlabs' non-fused path): the convolution weights stay
    constant, as an ONNX graph with a dynamic batch wants them."""
    if not fused:
        out = F.conv2d(x * styles[:, :, None, None], weight, padding=weight.shape[-1] // 2)
        if demodulate:
            coefficients = torch.rsqrt((weight[None] * styles[:, None, :, None, None]).square().sum(dim=(2, 3, 4))
                                       + 1e-8)
            out = out * coefficients[:, :, None, None]
        return out
    batch, inputs, height, width = x.shape
    outputs, _, kernel, _ = weight.shape
    w = weight[None] * styles[:, None, :, None, None]  # (B, O, I, k, k)
    if demodulate:
        w = w * torch.rsqrt(w.square().sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    x = x.reshape(1, batch * inputs, height, width)
    out = F.conv2d(x, w.reshape(batch * outputs, inputs, kernel, kernel), padding=kernel // 2, groups=batch)
    return out.reshape(batch, outputs, height, width)


class StyledConv(nn.Module):
    """(upsample) -> modulated conv 3x3 -> + noise x strength -> + bias -> LeakyReLU x sqrt(2)."""

    def __init__(self, inputs: int, outputs: int, w_dim: int, resolution: int, *, upsample: bool = False,
                 w_index: int = 0):
        super().__init__()
        self.w_index = w_index  # which of the ws styles this layer (for `ganforge info` and mixing)
        self.affine = EqualLinear(w_dim, inputs, bias_init=1.0)
        self.weight = nn.Parameter(torch.randn(outputs, inputs, 3, 3))
        self.weight_gain = 1 / math.sqrt(inputs * 9)
        self.bias = nn.Parameter(torch.zeros(outputs))
        self.noise_strength = nn.Parameter(torch.zeros(()))
        self.register_buffer("noise_const", torch.randn(1, 1, resolution, resolution))
        self.upsample = upsample

    def describe(self) -> str:
        """One line for architecture tables."""
        outputs, inputs = self.weight.shape[:2]
        return f"{'up x2, ' if self.upsample else ''}ModConv {inputs}->{outputs} w[{self.w_index}]"

    def forward(self, x: Tensor, w: Tensor, noise_mode: str = "random", noise: Tensor | None = None,
                fused: bool = True) -> Tensor:
        """x (B, inputs, r', r'), w (B, w_dim) -> (B, outputs, r, r); `noise` (B or 1, 1, r, r), when
        given, replaces the noise input (the projector optimises it)."""
        if self.upsample:
            x = upsample2x(x)
        x = modulated_conv2d(x, self.weight * self.weight_gain, self.affine(w), fused=fused)
        if noise is not None:
            x = x + noise * self.noise_strength
        elif noise_mode == "random":
            x = x + torch.randn(x.shape[0], 1, *x.shape[2:], device=x.device, dtype=x.dtype) * self.noise_strength
        elif noise_mode == "const":
            x = x + self.noise_const * self.noise_strength
        return F.leaky_relu(x + self.bias[None, :, None, None], 0.2) * SQRT2


class ToRGB(nn.Module):
    """Modulated 1x1 conv without demodulation, + bias: features -> image channels."""

    def __init__(self, inputs: int, channels: int, w_dim: int, w_index: int = 0):
        super().__init__()
        self.w_index = w_index
        self.affine = EqualLinear(w_dim, inputs, bias_init=1.0)
        self.weight = nn.Parameter(torch.randn(channels, inputs, 1, 1))
        self.weight_gain = 1 / math.sqrt(inputs)
        self.bias = nn.Parameter(torch.zeros(channels))

    def describe(self) -> str:
        """One line for architecture tables."""
        channels, inputs = self.weight.shape[:2]
        return f"ToRGB {inputs}->{channels} w[{self.w_index}]"

    def forward(self, x: Tensor, w: Tensor, fused: bool = True) -> Tensor:
        """The image contribution of this resolution."""
        styles = self.affine(w) * self.weight_gain
        return modulated_conv2d(x, self.weight, styles, demodulate=False, fused=fused) + self.bias[None, :, None, None]


class MappingNetwork(nn.Module):
    """z (B, z_dim) -> w (B, w_dim); keeps w_avg, the moving average of w, while training."""

    def __init__(self, config: StyleGAN2Config):
        super().__init__()
        sizes = [config.z_dim] + [config.w_dim] * config.mapping_layers
        self.layers = nn.Sequential(*[
            EqualLinear(a, b, lr_multiplier=config.mapping_lr_multiplier, activate=True)
            for a, b in itertools.pairwise(sizes)
        ])
        self.register_buffer("w_avg", torch.zeros(config.w_dim))
        self.w_avg_beta = config.w_avg_beta

    def forward(self, z: Tensor) -> Tensor:
        """The intermediate latents w."""
        z = z * torch.rsqrt(z.square().mean(dim=1, keepdim=True) + 1e-8)
        w = self.layers(z)
        if self.training:
            with torch.no_grad():  # the average stays fp32 under autocast
                self.w_avg.copy_(w.detach().to(self.w_avg.dtype).mean(0).lerp(self.w_avg, self.w_avg_beta))
        return w


class SynthesisNetwork(nn.Module):
    """ws (B, num_ws, w_dim) -> images (B, C, R, R), roughly in [-1, 1] (no tanh, as in the paper)."""

    def __init__(self, config: StyleGAN2Config):
        super().__init__()
        self.fused_modconv = config.fused_modconv
        first = config.channels(4)
        self.const = nn.Parameter(torch.randn(first, 4, 4))
        self.convs = nn.ModuleList([StyledConv(first, first, config.w_dim, 4, w_index=0)])
        self.to_rgbs = nn.ModuleList([ToRGB(first, config.image_channels, config.w_dim, w_index=1)])
        channels = first
        for level, resolution in enumerate(config.resolutions[1:], start=1):
            out = config.channels(resolution)
            self.convs.append(StyledConv(channels, out, config.w_dim, resolution, upsample=True, w_index=2 * level - 1))
            self.convs.append(StyledConv(out, out, config.w_dim, resolution, w_index=2 * level))
            self.to_rgbs.append(ToRGB(out, config.image_channels, config.w_dim, w_index=2 * level + 1))
            channels = out
        self.num_ws = config.num_ws

    def forward(self, ws: Tensor, noise_mode: str | None = None, noises: list[Tensor] | None = None,
                fused: bool | None = None) -> Tensor:
        """Layer i of the convs takes ws[:, i]; toRGB of a resolution takes the w after its last conv.
        `noises`, one map per conv (see `noise_shapes`), replaces the noise inputs when given; `fused`
        as in modulated_conv2d (None: as the config's fused_modconv says)."""
        noise_mode = noise_mode or ("random" if self.training else "const")
        if fused is None:
            fused = FUSED_MODCONV[self.fused_modconv]
        if fused is None:
            fused = not self.training
        noises = noises if noises is not None else [None] * len(self.convs)
        x = self.const[None].expand(ws.shape[0], -1, -1, -1)
        x = self.convs[0](x, ws[:, self.convs[0].w_index], noise_mode, noises[0], fused)
        image = self.to_rgbs[0](x, ws[:, self.to_rgbs[0].w_index], fused)
        for level, to_rgb in enumerate(self.to_rgbs[1:], start=1):
            for index in (2 * level - 1, 2 * level):  # the two convs of this resolution
                conv = self.convs[index]
                x = conv(x, ws[:, conv.w_index], noise_mode, noises[index], fused)
            image = upsample2x(image) + to_rgb(x, ws[:, to_rgb.w_index], fused)
        return image

    def noise_shapes(self) -> list[tuple[int, int, int]]:
        """(1, r, r) of each conv's noise input, in the order `forward(noises=...)` takes them."""
        return [tuple(conv.noise_const.shape[1:]) for conv in self.convs]


class Generator(nn.Module):
    """z (B, z_dim) -> images (B, C, R, R); see the module doc for mixing and truncation."""

    def __init__(self, config: StyleGAN2Config):
        super().__init__()
        self.config = config
        self.mapping = MappingNetwork(config)
        self.synthesis = SynthesisNetwork(config)
        self.num_ws = config.num_ws

    def sample_latent(self, count: int, device: torch.device | str | None = None,
                      generator: torch.Generator | None = None) -> Tensor:
        """z ~ N(0, I)."""
        return torch.randn(count, self.config.z_dim, device=device, generator=generator)

    def ws(self, z: Tensor, truncation: float = 1.0) -> Tensor:
        """Mapped and truncated latents, one w per layer: (B, num_ws, w_dim)."""
        w = self.mapping(z)
        if truncation != 1:
            w = self.mapping.w_avg.lerp(w, truncation)
        return w[:, None].expand(-1, self.num_ws, -1)

    def mix(self, ws: Tensor, other: Tensor, cut: int) -> Tensor:
        """Layers < cut from `ws`, layers >= cut from `other` (style mixing)."""
        layer = torch.arange(self.num_ws, device=ws.device)[None, :, None]
        return torch.where(layer < cut, ws, other)

    def forward(self, z: Tensor, labels: Tensor | None = None, *, truncation: float = 1.0,
                noise_mode: str | None = None) -> Tensor:
        """Images from noise (labels are accepted and ignored: the family is unconditional). Noise
        inputs are random while training and fixed ("const") in eval mode, so a seed gives one image."""
        return self.synthesis(self.ws(z, truncation), noise_mode)


class DiscriminatorBlock(nn.Module):
    """Residual: (conv 3x3 -> conv 3x3 -> downsample) + 1x1(downsample(x)), scaled by sqrt(1/2)."""

    def __init__(self, inputs: int, outputs: int):
        super().__init__()
        self.conv0 = EqualConv2d(inputs, inputs, 3)
        self.conv1 = EqualConv2d(inputs, outputs, 3)
        self.skip = EqualConv2d(inputs, outputs, 1, bias=False, activate=False)

    def forward(self, x: Tensor) -> Tensor:
        """Half the resolution."""
        skip = self.skip(downsample2x(x))
        x = self.conv1(downsample2x(self.conv0(x)))
        return (skip + x) * math.sqrt(0.5)


def minibatch_std(x: Tensor, group: int) -> Tensor:
    """Append one channel: the standard deviation of each feature across a group of samples,
    averaged over features and pixels (lets D see a lack of diversity)."""
    batch, channels, height, width = x.shape
    group = min(group, batch)
    while batch % group:
        group -= 1
    y = x.reshape(group, -1, channels, height, width)
    y = (y - y.mean(0)).square().mean(0).add(1e-8).sqrt()  # (B/group, C, H, W)
    y = y.mean(dim=(1, 2, 3)).reshape(-1, 1, 1, 1).repeat(group, 1, height, width)
    return torch.cat([x, y], dim=1)


class Discriminator(nn.Module):
    """images (B, C, R, R) -> one unnormalised real/fake logit each (B,)."""

    def __init__(self, config: StyleGAN2Config):
        super().__init__()
        top = config.resolution
        self.from_rgb = EqualConv2d(config.image_channels, config.channels(top), 1)
        self.blocks = nn.Sequential(*[
            DiscriminatorBlock(config.channels(resolution), config.channels(resolution // 2))
            for resolution in reversed(config.resolutions[1:])
        ])
        channels = config.channels(4)
        self.group = config.minibatch_std_group
        self.conv = EqualConv2d(channels + 1, channels, 3)
        self.dense = EqualLinear(channels * 16, channels, activate=True)
        self.out = EqualLinear(channels, 1)

    def forward(self, images: Tensor, labels: Tensor | None = None) -> Tensor:
        """Logits (labels are accepted and ignored)."""
        x = self.blocks(self.from_rgb(images))
        x = self.conv(minibatch_std(x, self.group))
        return self.out(self.dense(x.flatten(1))).squeeze(1)


def build(config: StyleGAN2Config) -> dict[str, nn.Module]:
    """generator and discriminator."""
    return {"generator": Generator(config), "discriminator": Discriminator(config)}

# what this module registers in ganforge.models.FAMILIES
DECLARED_FAMILIES = (
    Family("stylegan2", StyleGAN2Config, build,
           lambda config, data, name: fit_noise_model(config, data, name, conditional=False),
           image_side=lambda config: config.resolution, capabilities=frozenset({STYLE})),
)
