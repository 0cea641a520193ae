"""Batches as a pure function of the step, so a resumed run draws exactly the batches it would have."""

from __future__ import annotations

import numpy as np
import torch

from ganforge.errors import GanforgeError


class BatchSampler:
    """Indices of the batch at any step: a fresh seeded permutation each epoch, last partial batch dropped.

    Under data parallelism every rank computes the same global batch and keeps its own
    `rank::world_size` slice, so together the ranks see exactly the single-process batch.
    """

    def __init__(self, *, num_items: int, batch_size: int, seed: int, rank: int = 0, world_size: int = 1):
        if batch_size < 1 or batch_size % world_size:
            raise GanforgeError(f"batch_size {batch_size} must be a positive multiple of the {world_size} processes")
        if num_items < batch_size:
            raise GanforgeError(
                f"the dataset has {num_items} examples (images, clips or words), fewer than one batch of "
                f"{batch_size}; add examples or lower batch_size"
            )
        self.num_items = num_items
        self.batch_size = batch_size
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self.steps_per_epoch = num_items // batch_size
        self._epoch = -1
        self._order = np.empty(0, dtype=np.int64)

    def indices(self, step: int) -> np.ndarray:
        """This rank's indices for training step `step` (0-based)."""
        epoch, position = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            self._order = torch.randperm(self.num_items, generator=generator).numpy()
            self._epoch = epoch
        batch = self._order[position * self.batch_size : (position + 1) * self.batch_size]
        return batch[self.rank :: self.world_size]
