"""Shared layers and initialisation."""

from ganforge.nn.layers import Flatten, Unflatten2d, activation, dcgan_init, requires_grad, to_memory_format

__all__ = ["Flatten", "Unflatten2d", "activation", "dcgan_init", "requires_grad", "to_memory_format"]
