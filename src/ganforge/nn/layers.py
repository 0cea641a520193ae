"""Small building blocks shared by the model families."""

from __future__ import annotations

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
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def requires_grad(module: nn.Module, flag: bool) -> None:
    """Switch gradients of all parameters of `module` on or off."""
    for parameter in module.parameters():
        parameter.requires_grad_(flag)
