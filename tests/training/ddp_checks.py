"""Checks of the data-parallel primitives, run by tests/training/test_distributed.py as
`torchrun --nproc_per_node 2 tests/training/ddp_checks.py` (gloo on CPU). Exits non-zero on failure."""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn

from ganforge.training.distributed import (
    all_reduce_sum,
    average_buffers,
    average_gradients,
    init_distributed,
    replicas_identical,
)


def main() -> None:
    context = init_distributed(torch.device("cpu"))
    rank = context.rank
    torch.manual_seed(0)  # the same model and the same global batch on both processes
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1))
    unused = nn.Linear(2, 2)  # no loss reaches it: it must keep grad None, as in one process
    one_rank_only = nn.Parameter(torch.ones(3))  # reached on rank 0 only
    inputs, targets = torch.randn(8, 5), torch.randn(8, 1)

    # one process over the global batch of 8
    model.zero_grad()
    nn.functional.mse_loss(model(inputs), targets).backward()
    reference = [p.grad.clone() for p in model.parameters()]

    # two processes over 4 each, gradients averaged
    model.zero_grad(set_to_none=True)
    half = slice(4 * rank, 4 * rank + 4)
    loss = nn.functional.mse_loss(model(inputs[half]), targets[half])
    if rank == 0:
        loss = loss + one_rank_only.sum()
    loss.backward()
    parameters = list(model.parameters()) + list(unused.parameters()) + [one_rank_only]
    average_gradients(context, parameters)
    for got, want in zip(model.parameters(), reference):
        assert torch.allclose(got.grad, want, atol=1e-6), (got.grad, want)
    assert all(p.grad is None for p in unused.parameters()), "a parameter no process reached got a gradient"
    assert torch.equal(one_rank_only.grad, torch.full((3,), 0.5)), one_rank_only.grad

    assert all_reduce_sum(torch.tensor(float(rank + 1))).item() == 3.0

    norm = nn.BatchNorm1d(3)
    norm(torch.randn(4, 3) + rank)  # different statistics on each process
    average_buffers(context, [norm])
    assert replicas_identical(context, [*model.parameters(), *norm.buffers()])
    if rank == 1:
        with torch.no_grad():
            next(model.parameters())[0, 0] += 1e-7  # the smallest drift must be caught
    assert not replicas_identical(context, model.parameters())
    if rank == 0:
        print("ddp checks passed")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
