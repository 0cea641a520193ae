"""A layer-by-layer table of a network with output shapes, as lectures draw architectures."""

from __future__ import annotations

import torch
from torch import nn


def layer_table(module: nn.Module, *inputs: torch.Tensor) -> list[tuple[str, str, tuple[int, ...], int]]:
    """(name, layer, output shape without batch, parameters) for every leaf layer and every layer
    with parameters of its own (a StyleGAN2 conv owns its weight beside its affine child), in the
    order they finish."""
    rows: list[tuple[str, str, tuple[int, ...], int]] = []
    names = {m: n for n, m in module.named_modules()}
    hooks = []

    def record(layer: nn.Module, _inputs, output) -> None:
        shape = tuple(output.shape[1:]) if isinstance(output, torch.Tensor) else ()
        rows.append((names[layer], _describe(layer), shape, sum(p.numel() for p in layer.parameters(recurse=False))))

    for layer in module.modules():
        if not list(layer.children()) or list(layer.parameters(recurse=False)):
            hooks.append(layer.register_forward_hook(record))
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            module(*inputs)
    finally:
        module.train(was_training)
        for hook in hooks:
            hook.remove()
    return rows


def _describe(layer: nn.Module) -> str:
    if isinstance(layer, nn.Linear):
        return f"Linear {layer.in_features}->{layer.out_features}"
    if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        kind = "ConvTranspose" if isinstance(layer, nn.ConvTranspose2d) else "Conv"
        return f"{kind} {layer.in_channels}->{layer.out_channels} k{layer.kernel_size[0]} s{layer.stride[0]}"
    if isinstance(layer, nn.Embedding):
        return f"Embedding {layer.num_embeddings}x{layer.embedding_dim}"
    if isinstance(layer, nn.LeakyReLU):
        return f"LeakyReLU({layer.negative_slope})"
    if hasattr(layer, "describe"):  # layers that say what they are (StyleGAN2's style layers)
        return layer.describe()
    return type(layer).__name__


def format_table(title: str, input_shape: tuple[int, ...], rows: list[tuple[str, str, tuple[int, ...], int]]) -> str:
    """Render layer_table rows as aligned text."""
    lines = [title, f"  {'input':<28} {'':<30} {input_shape!s:<16}"]
    for name, layer, shape, params in rows:
        lines.append(f"  {name:<28} {layer:<30} {shape!s:<16} {params:>10,}")
    total = sum(row[3] for row in rows)
    lines.append(f"  {'total parameters':<76} {total:>10,}")
    return "\n".join(lines)
