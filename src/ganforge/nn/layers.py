"""Small building blocks shared by the model families."""

from __future__ import annotations

import torch
from torch import nn

from ganforge.errors import GanforgeError


def activation(name: str) -> nn.Module:
    """'relu' or 'leaky_relu' (slope 0.2, as in DCGAN's discriminator)."""
    if name == "relu":
        return nn.ReLU(inplace=True)
    if name == "leaky_relu":
        return nn.LeakyReLU(0.2, inplace=True)
    raise GanforgeError(f"unknown activation '{name}'; use relu or leaky_relu")


def dcgan_init(module: nn.Module) -> None:
    """Radford et al.'s init: conv/linear weights ~ N(0, 0.02), norm scales ~ N(1, 0.02)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Conv3d, nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def requires_grad(module: nn.Module, flag: bool) -> None:
    """Switch gradients of all parameters of `module` on or off."""
    for parameter in module.parameters():
        parameter.requires_grad_(flag)


def _is_channels_last(x: torch.Tensor) -> bool:
    return x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()


class _FlattenKeepingLayout(torch.autograd.Function):
    """flatten(1) whose gradient comes back in the input's memory format."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        ctx.shape, ctx.channels_last = x.shape, _is_channels_last(x)
        return x.flatten(1)  # values in (C, H, W) order whatever the layout

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.reshape(ctx.shape)
        return grad.contiguous(memory_format=torch.channels_last) if ctx.channels_last else grad


class Flatten(nn.Module):
    """(B, C, H, W) -> (B, C*H*W) like nn.Flatten, but a channels_last input gets a channels_last
    gradient: the elementwise backward before it (LeakyReLU) then sees one layout, not two, which
    keeps it on PyTorch's fast path (seen in a torch.profiler trace of a CPU training step; the
    end-to-end effect of channels_last is in bench/speed/train_speed.py --ablation)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Flattened features (B, C*H*W)."""
        return _FlattenKeepingLayout.apply(x)


class Unflatten2d(nn.Module):
    """(B, C*S*S) -> (B, C, S, S) in `memory_format` (set by `to_memory_format`), so the layers
    after it run in the layout of the convolutions that follow."""

    def __init__(self, channels: int, size: int):
        super().__init__()
        self.shape = (channels, size, size)
        self.memory_format = torch.contiguous_format

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Feature maps (B, C, S, S)."""
        return x.view(-1, *self.shape).contiguous(memory_format=self.memory_format)


def to_memory_format(module: nn.Module, memory_format: torch.memory_format) -> nn.Module:
    """Store 4-D weights (2-D convolutions') in `memory_format` and make Unflatten2d layers produce it; returns
    `module`. Other tensors (a 3-D convolution's 5-D weights, vectors) keep their layout."""
    for layer in module.modules():
        for tensor in [*layer.parameters(recurse=False), *layer.buffers(recurse=False)]:
            if tensor.dim() == 4:
                tensor.data = tensor.data.contiguous(memory_format=memory_format)
    for layer in module.modules():
        if isinstance(layer, Unflatten2d):
            layer.memory_format = memory_format
    return module


def conditional_readout(features: torch.Tensor, logit: nn.Module, label_projection: nn.Module | None,
                        class_head: nn.Module | None, labels: torch.Tensor | None,
                        with_classes: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """A conditional discriminator's read-out of its (B, width) features: the real/fake score (B,), plus
    the projection of the label's embedding (Miyato & Koyama 2018) when it has one; with_classes: also
    its AC-GAN class head's (B, K) logits."""
    logits = logit(features).squeeze(1)
    if label_projection is not None:
        if labels is None:
            raise ValueError("this discriminator is conditional: pass labels")
        logits = logits + (label_projection(labels) * features).sum(dim=1)
    if not with_classes:
        return logits
    if class_head is None:
        raise ValueError("this discriminator has no auxiliary classifier (auxiliary_classifier=False)")
    return logits, class_head(features)
