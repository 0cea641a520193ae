"""Data parallel training under torchrun: gloo on CPU, NCCL on GPU.

No DistributedDataParallel wrapper: after each phase's backward the trainer averages the gradients
of the parameters that phase's optimiser updates in one all-reduce (as NVlabs' StyleGAN3 loop does).
So every parameter a loss reached is synchronised however the family called its networks (a
generator's mapping and synthesis separately, autograd.grad for R1 and path length, a graph kept
from one phase for the next), which a wrapper whose forward is bypassed silently is not. Buffers
(BatchNorm statistics) are averaged after every step, and the run ends by checking that every
process holds the very same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass

import torch
import torch.distributed as dist

SHUTDOWN_WAIT_SECONDS = 300  # how long a finished process waits for the others before leaving the group


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
    """Leave the process group, all processes together: a process that tears gloo down while another
    still finishes its last files can abort ("terminate called without an active exception"). The
    wait is bounded, so a process whose peer already died still exits."""
    if context.enabled and dist.is_initialized():
        try:
            if dist.get_backend() == "gloo":
                dist.monitored_barrier(timeout=datetime.timedelta(seconds=SHUTDOWN_WAIT_SECONDS))
            else:
                dist.barrier()
        except RuntimeError:  # a peer is gone (it failed): leave anyway
            pass
        dist.destroy_process_group()


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """`tensor` summed over the processes of the group (a new tensor; the caller's is left alone)."""
    total = tensor.detach().clone()
    dist.all_reduce(total)
    return total


@torch.no_grad()
def average_gradients(context: DistContext, parameters: Iterable[torch.nn.Parameter]) -> None:
    """Replace each .grad by its mean over the processes, in one all-reduce. A parameter that got no
    gradient on any process keeps None (as in a single process, so Adam leaves it alone); one that
    got a gradient on some processes only counts zeros for the others."""
    if not context.enabled:
        return
    parameters = [p for p in parameters if p.requires_grad]
    if not parameters:
        return
    device = parameters[0].device
    pieces = [(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1).float() for p in parameters]
    present = torch.tensor([p.grad is not None for p in parameters], dtype=torch.float32, device=device)
    flat = torch.cat(pieces + [present])
    dist.all_reduce(flat)
    flat /= context.world_size
    anywhere = (flat[-len(parameters):] > 0).tolist()
    offset = 0
    for parameter, reached in zip(parameters, anywhere):
        size = parameter.numel()
        mean = flat[offset : offset + size].view(parameter.shape).to(parameter.dtype)
        offset += size
        if parameter.grad is not None:
            parameter.grad.copy_(mean)
        elif reached:
            parameter.grad = torch.empty_like(parameter).copy_(mean)


@torch.no_grad()
def average_buffers(context: DistContext, modules: Iterable[torch.nn.Module]) -> None:
    """Average the floating-point buffers (BatchNorm running statistics) over the processes, in one
    all-reduce; integer buffers (batch counters) advance alike on every process."""
    if not context.enabled:
        return
    buffers = [b for m in modules for b in m.buffers() if b.is_floating_point()]
    if not buffers:
        return
    flat = torch.cat([b.reshape(-1).float() for b in buffers])
    dist.all_reduce(flat)
    flat /= context.world_size
    offset = 0
    for buffer in buffers:
        buffer.copy_(flat[offset : offset + buffer.numel()].view(buffer.shape))
        offset += buffer.numel()


def replicas_identical(context: DistContext, tensors: Iterable[torch.Tensor]) -> bool:
    """Whether every process holds the same bytes in `tensors` (a SHA-256 of them, gathered)."""
    if not context.enabled:
        return True
    digest = hashlib.sha256()
    with torch.no_grad():
        for tensor in tensors:
            digest.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    gathered: list[str | None] = [None] * context.world_size
    dist.all_gather_object(gathered, digest.hexdigest())
    return len(set(gathered)) == 1
