"""Exponential moving average of a network's weights (Karras et al. sample from it)."""

from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def update_ema(ema: nn.Module, live: nn.Module, decay: float, step: int) -> None:
    """ema <- decay * ema + (1 - decay) * live; buffers (BN statistics) are copied.

    The decay ramps up as min(decay, (1 + step) / (10 + step)) so that early averages are not
    dominated by the random initial weights.
    """
    decay = min(decay, (1 + step) / (10 + step))
    ema_params = list(ema.parameters())
    live_params = list(live.parameters())
    torch._foreach_lerp_(ema_params, live_params, 1 - decay)
    for ema_buffer, live_buffer in zip(ema.buffers(), live.buffers()):
        ema_buffer.copy_(live_buffer)
