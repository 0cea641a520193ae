"""Shared layers and initialisation."""

from ganforge.nn.layers import (
    Flatten,
    Unflatten2d,
    activation,
    conditional_readout,
    dcgan_init,
    requires_grad,
    to_memory_format,
)
from ganforge.nn.norm import NORMS, norm_2d, uses_bias

__all__ = [
    "NORMS", "Flatten", "Unflatten2d", "activation", "conditional_readout", "dcgan_init", "norm_2d", "requires_grad",
    "to_memory_format", "uses_bias",
]
