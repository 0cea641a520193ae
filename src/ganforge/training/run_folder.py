"""A run's folder on disk, as the trainer uses it: refuse to start over an existing run, restore the newest
checkpoint, write numbered checkpoints (atomically, a full disk said in one line with the previous
checkpoint intact) and the best one, and report a divergence with what is left on disk. Only the main
process of a data-parallel run writes; every process reads.

The trainer holds one RunFolder and hands it what to save; the folder knows nothing of networks beyond
the modules and optimisers it is given (ganforge.training.checkpoint does the reading and writing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from torch import nn

from ganforge.errors import GanforgeError
from ganforge.training.checkpoint import latest_checkpoint, load_checkpoint, save_best, save_checkpoint
from ganforge.training.distributed import DistContext
from ganforge.utils.files import ensure_writable_dir, is_disk_full


class RunFolder:
    """The folder of one run (module doc)."""

    def __init__(self, path: str | Path, dist: DistContext):
        self.path = Path(path)
        self.dist = dist

    def latest(self) -> Path | None:
        """The newest checkpoint folder, or None."""
        return latest_checkpoint(self.path)

    def start_new(self) -> None:
        """Make sure a new run may start here: the folder is writable and holds no run (never overwritten)."""
        if self.dist.is_main:
            ensure_writable_dir(self.path)
        checkpoint = self.latest()
        if checkpoint is not None:
            raise GanforgeError(f"{self.path} already holds a checkpoint ({checkpoint.name}); add --resume to continue "
                                "it or choose another --out")

    def restore(self, modules: dict[str, nn.Module], optimizers: dict[str, Any]) -> dict:
        """Load the newest checkpoint into `modules` and `optimizers` (and, for one process, the RNG state);
        returns the checkpoint's saved state (step, objective state, training seconds)."""
        checkpoint = self.latest()
        if checkpoint is None:
            raise GanforgeError(f"--resume: no checkpoint in {self.path}; drop --resume to start a new run")
        return load_checkpoint(checkpoint, modules=modules, optimizers=optimizers, restore_rng=not self.dist.enabled)

    def write(self, *, step: int, modules: dict[str, nn.Module], optimizers: dict[str, Any], state: dict,
              keep: int, objective: dict) -> None:
        """Write the checkpoint of `step` (the caller is the main process); a full disk is one line."""
        try:
            save_checkpoint(self.path, step=step, modules=modules, optimizers=optimizers, state=state, keep=keep,
                            objective=objective)
        except Exception as error:  # an OSError, or safetensors' own error for a full disk
            if not is_disk_full(error):
                raise
            size = sum(t.numel() * t.element_size() for m in modules.values() for t in m.state_dict().values())
            raise GanforgeError(
                f"no space left on the device of {self.path} for the checkpoint of step {step} (about "
                f"{3 * size / 1e6:.0f} MB with the optimiser state); free space or train into another --out "
                "(--resume continues from the last checkpoint, which is intact)"
            ) from None

    def write_best(self, *, step: int, modules: dict[str, nn.Module], state: dict, evaluation: dict) -> None:
        """Keep `modules` as checkpoints/best, with the evaluation that chose them."""
        save_best(self.path, step=step, modules=modules, state=state, evaluation=evaluation)

    def diverged(self, step: int, what: str) -> NoReturn:
        """Stop the run: training produced non-finite numbers at `step`; nothing of it is saved."""
        latest = self.latest() if self.dist.is_main else None
        kept = f"the last checkpoint, {latest}, holds step {latest.name[5:].lstrip('0') or 0}" if latest else \
            "no checkpoint was written"
        raise GanforgeError(
            f"training diverged at step {step}: {what}; nothing after it was saved and {kept}; "
            "lower the learning rates (e.g. --set train.lr_generator=1e-4 --set train.lr_discriminator=1e-4) "
            "and train again"
        )
