"""Refusing, up front, a request whose tensors cannot fit in memory: a one-line error that says how
much it would take, how much there is, and how to split it, instead of an out-of-memory kill."""

from __future__ import annotations

import math
import os

from ganforge.errors import GanforgeError

AVAILABLE_SHARE = 0.5  # a request may take at most this share of the memory free when it starts
FLOAT_BYTES = 4


def available_bytes() -> int:
    """Physical memory free now (Linux: MemAvailable; elsewhere the free pages, or 8 GB if unknown)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def human_size(count: float) -> str:
    """Bytes as "1.2 GB" or "300 MB"."""
    return f"{count / 2**30:.1f} GB" if count >= 2**30 else f"{count / 2**20:.0f} MB"


def require_memory(needed: float, request: str, fix: str) -> None:
    """Refuse `request` (e.g. "--num 1000000000") when `needed` bytes exceed AVAILABLE_SHARE of the free memory."""
    free = available_bytes()
    if needed > AVAILABLE_SHARE * free:
        raise GanforgeError(f"{request} would need at least {human_size(needed)} of memory, more than half of the "
                            f"{human_size(free)} free here; {fix}")


def images_bytes(count: int, shape: tuple[int, ...], copies: float = 2.0) -> float:
    """Bytes of `count` float images of `shape` held `copies` times (the batch and its uint8/grid copies)."""
    return count * math.prod(shape) * FLOAT_BYTES * copies


def largest_count(shape: tuple[int, ...], copies: float = 2.0) -> int:
    """How many images of `shape` fit in the share of free memory a request may take."""
    return max(1, int(AVAILABLE_SHARE * available_bytes() // max(images_bytes(1, shape, copies), 1)))
