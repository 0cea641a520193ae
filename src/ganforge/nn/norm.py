"""Normalisation layers chosen by name in the translation families' configs."""

from __future__ import annotations

from torch import nn

from ganforge.errors import GanforgeError

NORMS = ("instance", "batch", "none")


def norm_2d(name: str, channels: int) -> nn.Module:
    """'instance' (Ulyanov et al.; what CycleGAN uses: no running statistics, so training and
    inference behave the same), 'batch', or 'none' (identity)."""
    if name == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if name == "batch":
        return nn.BatchNorm2d(channels)
    if name == "none":
        return nn.Identity()
    raise GanforgeError(f"unknown norm '{name}'; use one of {', '.join(NORMS)}")


def uses_bias(norm: str) -> bool:
    """A conv before an affine normalisation needs no bias (the norm's shift replaces it);
    before instance norm without affine or no norm, it keeps one (as in junyanz/pytorch-CycleGAN-and-pix2pix)."""
    return norm != "batch"

