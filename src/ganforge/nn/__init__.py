"""Shared layers and initialisation."""

from ganforge.nn.layers import activation, dcgan_init, requires_grad

__all__ = ["activation", "dcgan_init", "requires_grad"]
