"""Seeding and device choice."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from ganforge.errors import GanforgeError


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    """'auto' picks CUDA when present; 'cuda' without a GPU is a user error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise GanforgeError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu or auto")
    try:
        return torch.device(name)
    except RuntimeError:
        raise GanforgeError(f"unknown device '{name}'; use cpu, cuda, cuda:N or auto") from None


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity where the OS says, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def set_threads(threads: int | None) -> None:
    """--threads: PyTorch's intra-op threads for this process (None keeps PyTorch's default, one per core)."""
    if threads is None:
        return
    if threads < 1:
        raise GanforgeError(f"--threads {threads}: give 1 or more (1 per job when several jobs share the cores), or "
                            "leave it out for one per core")
    torch.set_num_threads(threads)


def busy_cpu_note(device: torch.device) -> str | None:
    """A one-line hint when other jobs already keep every core busy: PyTorch's threads of two jobs then compete
    and each ran about 4x slower than alone (bench/speed/busy_speed.py), which one thread per job avoids. Said, never acted
    on: the thread count is the user's choice, since it can change a reduction's rounding and so the weights."""
    if device.type != "cpu":
        return None
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this system (Windows)
        return None
    cores, threads = usable_cores(), torch.get_num_threads()
    if threads == 1 or load + threads < cores + 0.9:  # (the load is a 1-minute average: a hint, not a measure)
        return None
    return (f"note: the CPU looks busy (load {load:.1f} on {cores} cores) and this job runs {threads} threads: jobs "
            "sharing cores each run about 4x slower; give each --threads 1, or run one at a time")
