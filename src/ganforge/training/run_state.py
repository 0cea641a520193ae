"""What the trainer keeps of a run in its folder: checkpoints written and restored, the best
evaluation, the training time summed over resumes, and the stop on non-finite numbers. A mixin of
Trainer (ganforge.training.trainer), kept apart so that the training loop reads on its own."""

from __future__ import annotations

import time

import torch
from torch import nn
from tqdm import tqdm

from ganforge.config import config_to_dict
from ganforge.errors import GanforgeError
from ganforge.training.checkpoint import latest_checkpoint, load_checkpoint, save_best, save_checkpoint
from ganforge.training.distributed import barrier
from ganforge.utils.files import ensure_writable_dir, is_disk_full


class RunState:
    """Checkpointing for Trainer. It uses the trainer's run, dataset, run_dir, dist, family, networks,
    ema, ema_role, optimizers, objective, precision, evaluation, best, progress and step, and its
    refresh_ema() and sampling_generator(); it keeps seconds_before (training seconds of earlier
    invocations) and _fit_started (when the running fit() began, None between fits)."""

    seconds_before: float = 0.0
    _fit_started: float | None = None

    def _refuse_existing_run(self) -> int:
        """0 (a new run starts at step 0), unless the folder already holds a run: never overwritten."""
        if self.dist.is_main:
            ensure_writable_dir(self.run_dir)
        checkpoint = latest_checkpoint(self.run_dir)
        if checkpoint is not None:
            raise GanforgeError(
                f"{self.run_dir} already holds a checkpoint ({checkpoint.name}); add --resume to continue it "
                "or choose another --out"
            )
        return 0

    def _restore(self) -> int:
        """Load the latest checkpoint (weights, optimisers, objective state, RNG); returns its step."""
        checkpoint = latest_checkpoint(self.run_dir)
        if checkpoint is None:
            raise GanforgeError(f"--resume: no checkpoint in {self.run_dir}; drop --resume to start a new run")
        state = load_checkpoint(checkpoint, modules=self._checkpointed_modules(), optimizers=self.optimizers,
                                restore_rng=not self.dist.enabled)
        self.objective.load_state_dict(self.precision.load_state_dict(state["objective"]), self.device)
        self.seconds_before = float(state.get("train_seconds") or 0.0)  # absent from older checkpoints
        return state["step"]

    def _checkpointed_modules(self) -> dict[str, nn.Module]:
        modules = dict(self.networks)
        if self.ema is not None:
            modules[self.ema_role] = self.ema
        return modules

    def _state(self) -> dict:
        """What a checkpoint's state.json says about the run."""
        return {
            "family": self.run.family,
            "model": config_to_dict(self.run.model),
            "run": self.run.to_dict(),
            "data": self.dataset.describe(),
            "train_seconds": round(self.train_seconds(), 3),
            "precision": self.precision_used,  # what train.precision ("auto" included) meant on this hardware
        }

    def train_seconds(self) -> float:
        """Wall seconds spent in fit() over every invocation of this run so far (resumes add up)."""
        running = time.perf_counter() - self._fit_started if self._fit_started is not None else 0.0
        return self.seconds_before + running

    def save(self) -> None:
        """Checkpoint the current step (main process writes; all wait). Every process checks the weights
        first, so a divergence stops all of them rather than leaving the others at the barrier."""
        self._check_finite_weights()
        if self.dist.is_main:
            self._write_checkpoint()
        barrier(self.dist)

    def _write_checkpoint(self) -> None:
        """Save the current step, unless a weight is not finite (then the divergence is reported and
        the last checkpoint stays the newest); a full disk is one line, the previous checkpoint intact."""
        self.refresh_ema()  # first: the EMA's refreshed BN statistics are checked too
        self._check_finite_weights()
        modules = self._checkpointed_modules()
        try:
            save_checkpoint(self.run_dir, step=self.step, modules=modules, optimizers=self.optimizers,
                            state=self._state(), keep=self.run.train.keep_checkpoints,
                            objective={**self.objective.state_dict(), **self.precision.state_dict()})
        except Exception as error:  # an OSError, or safetensors' own error for a full disk
            if not is_disk_full(error):
                raise
            size = sum(t.numel() * t.element_size() for m in modules.values() for t in m.state_dict().values())
            raise GanforgeError(
                f"no space left on the device of {self.run_dir} for the checkpoint of step {self.step} (about "
                f"{3 * size / 1e6:.0f} MB with the optimiser state); free space or train into another --out "
                "(--resume continues from the last checkpoint, which is intact)"
            ) from None

    def _check_finite_weights(self) -> None:
        """Stop the run (nothing saved) when a weight or a buffer (BN statistics) is NaN or infinite."""
        for role, module in self._checkpointed_modules().items():
            if not all(torch.isfinite(p).all() for p in module.parameters()):
                self._diverged(self.step, f"a weight of the {role} is not finite")
            # buffers too: a BatchNorm's running variance can overflow while every weight stays finite
            broken = next((name for name, b in module.named_buffers() if b.is_floating_point()
                           and not torch.isfinite(b).all()), None)
            if broken is not None:
                self._diverged(self.step, f"the {role}'s {broken} is not finite")

    def _diverged(self, step: int, what: str) -> None:
        """Stop the run: training has produced non-finite numbers; nothing of it is saved."""
        latest = latest_checkpoint(self.run_dir) if self.dist.is_main else None
        kept = f"the last checkpoint, {latest}, holds step {latest.name[5:].lstrip('0') or 0}" if latest else \
            "no checkpoint was written"
        raise GanforgeError(
            f"training diverged at step {step}: {what}; nothing after it was saved and {kept}; "
            "lower the learning rates (e.g. --set train.lr_generator=1e-4 --set train.lr_discriminator=1e-4) "
            "and train again"
        )

    def evaluate(self) -> dict[str, float]:
        """Score the sampling generator; a new best is kept as checkpoints/best. Returns the log values."""
        self.refresh_ema()
        values = self.evaluation(self.sampling_generator())
        value = values[self.evaluation.key]
        improved = self.evaluation.better(value, None if self.best is None else self.best["value"])
        if improved:
            self.best = {"metric": self.evaluation.metric_name, "key": self.evaluation.key, "value": value,
                         "step": self.step, "features": self.evaluation.features, "num": self.evaluation.num}
            roles = [self.family.generator_role] + ([self.ema_role] if self.ema is not None else [])
            modules = self._checkpointed_modules()
            save_best(self.run_dir, step=self.step, modules={role: modules[role] for role in roles},
                      state=self._state(), evaluation=self.best)
        if self.progress:
            tqdm.write(f"step {self.step}: {self.evaluation.key[5:]} {value:.4g}" + (" (best so far)" if improved else ""))
        return values
