"""Data parallel training under torchrun: gloo on CPU, NCCL on GPU."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistContext:
    """This process's place in a (possibly single-process) run."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """Whether this process writes files and prints."""
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        """Whether more than one process trains."""
        return self.world_size > 1


def init_distributed(device: torch.device) -> DistContext:
    """Join the process group torchrun describes in the environment; a single process otherwise."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistContext()
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return DistContext(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0")))


def barrier(context: DistContext) -> None:
    """Wait for all processes (no-op for one)."""
    if context.enabled:
        dist.barrier()


def shutdown(context: DistContext) -> None:
    """Leave the process group."""
    if context.enabled and dist.is_initialized():
        dist.destroy_process_group()


def replicas_identical(context: DistContext, modules: list[torch.nn.Module]) -> bool:
    """Whether every process holds the same weights (a cheap checksum, gathered)."""
    if not context.enabled:
        return True
    with torch.no_grad():
        checksum = torch.stack([p.double().sum() for m in modules for p in m.parameters()]).cpu()
    gathered = [torch.empty_like(checksum) for _ in range(context.world_size)]
    dist.all_gather_object(gathered, checksum)
    return all(torch.equal(gathered[0], other) for other in gathered[1:])
