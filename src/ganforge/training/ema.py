"""Exponential moving average of a network's weights (Karras et al. sample from it)."""

from __future__ import annotations

from collections.abc import Callable

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


@torch.no_grad()
def refresh_batch_norm(module: nn.Module, make_inputs: Callable[[], tuple], batches: int) -> None:
    """Recompute the BN statistics of `module` (an EMA copy) from `batches` forward passes.

    Averaged weights do not match the live network's running statistics that update_ema copies;
    sampling with those stale statistics costs diversity. BigGAN's "standing statistics" fix: reset
    the statistics and take a cumulative average over fresh batches (momentum=None).
    """
    was_training = module.training
    module.train()
    # a part that stays in eval mode in training (a frozen sub-network, e.g. mocogan's frozen sprites) keeps its own
    norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.training]
    if not norms:
        module.train(was_training)
        return
    momenta = [m.momentum for m in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None
    for _ in range(batches):
        module(*make_inputs())
    module.train(was_training)
    for norm, momentum in zip(norms, momenta):
        norm.momentum = momentum
