"""How much memory a family's networks take, counted before anything is allocated: every network is
built on PyTorch's meta device (shapes, no storage), so a config that asks for terabytes of weights
(`--set model.latent_dim=100000000`, or a downloaded checkpoint's state.json declaring million-wide
layers) is refused in one line instead of exhausting the machine."""

from __future__ import annotations

from typing import Any

import torch

from ganforge.utils.memory import require_memory


def network_bytes(build, config: Any) -> int | None:
    """Bytes of the parameters and buffers of `build(config)` (a family's build), counted on the meta
    device; None when the networks cannot be built there (then nothing is refused)."""
    try:
        with torch.device("meta"):
            networks = build(config)
    except Exception:  # noqa: BLE001 -- a build that needs real tensors: the real build says what is wrong
        return None
    return sum(t.numel() * t.element_size() for module in networks.values()
               for t in (*module.parameters(), *module.buffers()))


def require_networks_fit(build, config: Any, request: str, *, copies: float) -> None:
    """Refuse `request` when `copies` times the networks' bytes exceed the memory a request may take
    (training holds about 5: weights, gradients, Adam's two moments and the moving average)."""
    size = network_bytes(build, config)
    if size is not None:
        require_memory(size * copies, request, "choose smaller [model] sizes (channels, latent and style sizes)")
