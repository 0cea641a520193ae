"""The generic trainer: walks an objective's phases, keeps an EMA generator, logs, samples and
checkpoints. It knows no family: networks come from ganforge.models, losses from ganforge.objectives."""

from __future__ import annotations

import copy
import dataclasses
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from ganforge.config import config_to_dict
from ganforge.data import ImageDataset, TranslationDataset
from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES
from ganforge.models.io import EMA_SUFFIX, load_network
from ganforge.models.pretrained import list_pretrained, pretrained_path
from ganforge.models.sizing import require_networks_fit
from ganforge.nn import requires_grad, to_memory_format
from ganforge.objectives import OBJECTIVES
from ganforge.objectives.phase import Phase, StepContext
from ganforge.training.checkpoint import best_evaluation, latest_checkpoint
from ganforge.training.config import RunConfig
from ganforge.training.distributed import (
    DistContext,
    all_reduce_sum,
    average_buffers,
    average_gradients,
    barrier,
    replicas_identical,
)
from ganforge.training.ema import refresh_batch_norm, update_ema
from ganforge.training.evaluation import PeriodicEvaluation
from ganforge.training.logger import MetricsLogger, StatsWindow, plot_losses
from ganforge.training.precision import MixedPrecision, emulated_bf16_warning, resolve_precision
from ganforge.training.run_folder import RunFolder
from ganforge.utils.images import save_grid
from ganforge.utils.memory import require_memory

PREVIEW_PAIRS = 8  # real images (or pairs) a translation family's sample grid shows
BN_REFRESH_BATCHES = 8  # batches that recompute the EMA generator's BN statistics before it is used


@dataclass
class TrainResult:
    """What a finished (or interrupted) run left behind."""

    run_dir: Path
    step: int  # steps completed in total
    checkpoint: Path  # the newest checkpoint folder
    samples: Path | None  # the newest sample grid
    loss_plot: Path | None
    seconds: float  # wall time of this invocation
    total_seconds: float  # wall time of fit() over this invocation and every one it resumed (state.json's train_seconds)
    images_per_second: float  # training throughput of this invocation
    stopped_early: bool  # Ctrl-C or the time budget ended it before `steps`
    main_process: bool = True  # False on the other ranks of a data-parallel run, which report nothing
    best: dict | None = None  # the evaluation that chose checkpoints/best, when eval_every is set
    precision: str = "fp32"  # what train.precision meant on this hardware ("auto" resolved)


def fit_model_to_data(run: RunConfig, dataset: ImageDataset | TranslationDataset) -> RunConfig:
    """The run with its model adapted to the data by the family's own rule (channels, classes, scale)."""
    model = FAMILIES.get(run.family).fit_to_data(run.model, dataset, run.preset or "this model")
    return dataclasses.replace(run, model=model)


class Trainer:
    """Trains one run in <run_dir>; `fit()` goes to run.train.steps, resuming from the latest checkpoint."""

    def __init__(
        self,
        run: RunConfig,
        dataset: ImageDataset | TranslationDataset,
        *,
        run_dir: Path,
        device: torch.device,
        dist: DistContext | None = None,  # None: a single process
        resume: bool = False,
        progress: bool = True,
    ):
        dist = dist or DistContext()
        self.run = fit_model_to_data(run, dataset)
        self.dataset = dataset
        self.run_dir = Path(run_dir)
        self.device = device
        self.dist = dist
        self.progress = progress and dist.is_main
        self.family = FAMILIES.get(self.run.family)
        if self.run.train.eval_every and not self.family.draws_from_noise:
            raise GanforgeError(
                "--eval-every scores noise-to-image generators; measure a translation run (or an anomaly detector) "
                "afterwards with `ganforge evaluate --checkpoint RUN`"
            )
        self._check_batch_fits()  # before any network is built: a refusal costs nothing
        self.objective = OBJECTIVES.get(self.run.family).build(self.run.objective, self.run.model)
        # the order below is part of the run's identity: it decides which random numbers go where
        self._build_networks(start_fresh=not resume)
        self._build_optimizers()
        self._set_precision()
        self.folder = RunFolder(self.run_dir, dist)
        # training seconds of earlier invocations of this run, and when the running fit() began (None between fits)
        self.seconds_before, self._fit_started = 0.0, None
        self.step = self._restore() if resume else self._start_new()
        if dist.enabled or not resume:
            # each process draws its own noise; resumed multi-process runs reseed from the step
            torch.manual_seed(self.run.train.seed + 1_000_003 * dist.rank + self.step)
        self.sampler = dataset.sampler(
            batch_size=self.run.train.batch_size, seed=self.run.train.seed, rank=dist.rank, world_size=dist.world_size
        )
        # the fixed real inputs of sample grids (translation, anomaly families; noise families draw noise)
        self.preview_batch = (self._to_device(dataset.preview_batch(PREVIEW_PAIRS)) if self.family.previews_real_images
                              else ())
        self._stop_requested = False
        self.evaluation = self._build_evaluation()
        self.best = best_evaluation(self.run_dir) if resume else None

    def _build_networks(self, *, start_fresh: bool) -> None:
        """Every network of the family, seeded alike on every process (and the generator taken from
        init_generator for a new run), plus the moving average of the generator."""
        train = self.run.train
        require_networks_fit(self.family.build, self.run.model, f"the {self.run.family} networks of this config",
                             copies=5)
        torch.manual_seed(train.seed)  # identical initial weights on every process
        self.memory_format = torch.channels_last if train.channels_last else torch.contiguous_format
        self.networks: dict[str, nn.Module] = {
            role: to_memory_format(module.to(self.device), self.memory_format)
            for role, module in self.family.build(self.run.model).items()
        }
        if train.init_generator and start_fresh:
            self._init_generator(train.init_generator)
        self.ema_role = self.family.generator_role + EMA_SUFFIX
        self.ema = None
        if train.ema_decay > 0:
            self.ema = copy.deepcopy(self.networks[self.family.generator_role]).eval()
            requires_grad(self.ema, False)

    def _build_optimizers(self) -> None:
        """One Adam per optimiser group of the objective, with that group's learning rate (and its
        lazy-regularisation ratio)."""
        train = self.run.train
        learning_rates = {"generator": train.lr_generator, "discriminator": train.lr_discriminator}
        self.base_lr = {name: learning_rates[group.side] * group.ratio for name, group in self.objective.optimizers.items()}
        self.optimizers = {
            name: torch.optim.Adam(
                [p for role in group.roles for p in self.networks[role].parameters()],
                lr=self.base_lr[name],
                betas=(train.beta1**group.ratio, train.beta2**group.ratio),
                foreach=True,
            )
            for name, group in self.objective.optimizers.items()
        }

    def _set_precision(self) -> None:
        """Mixed precision, and the networks the step calls (compiled ones share their parameters with
        self.networks, which are what is saved)."""
        self.precision_used, self.precision_reason = resolve_precision(
            self.run.train.precision, self.device, family_bf16=self.family.auto_bf16, family=self.run.family)
        self.precision = MixedPrecision(self.precision_used, self.device)
        warning = emulated_bf16_warning(self.run.train.precision, self.device)
        if warning and self.dist.is_main:
            print(warning, file=sys.stderr)
        self.step_networks = self.networks
        if self.run.train.compile:
            self.step_networks = {role: torch.compile(module) for role, module in self.networks.items()}

    def _build_evaluation(self) -> PeriodicEvaluation | None:
        """Evaluation during training (eval_every): main process only, and it takes no collective step."""
        if not self.run.train.eval_every or not self.dist.is_main:
            return None
        with torch.random.fork_rng(devices=[]):  # building its networks must not move the training noise
            return PeriodicEvaluation(self.run, self.device)

    def _check_batch_fits(self) -> None:
        """Refuse a batch whose data alone, held three times over (inputs, fakes, gradients: a lower bound
        of what a step holds), exceeds the memory a request may take."""
        sampler = self.dataset.sampler(batch_size=self.run.train.batch_size, seed=self.run.train.seed)  # numpy only
        sample = self.dataset.batch(sampler.indices(0)[:1], None)  # (translation data draws index pairs)
        per_sample = sum(t.numel() * t.element_size() for t in sample if t is not None and t.is_floating_point())
        batch = self.run.train.batch_size
        require_memory(3 * batch * per_sample, f"--batch-size {batch:,}",
                       "use a smaller batch (train.batch_size); torchrun splits a batch over processes")

    def _init_generator(self, checkpoint: str) -> None:
        """Start from another run's generator (the moving average where it has one): SRGAN's
        adversarial stage starts from the PSNR-trained SRResNet, as in the paper."""
        # a shipped model's name (`mnist-gan`) where no such folder is here, else a run or checkpoint folder
        shipped = not Path(checkpoint).exists() and checkpoint in list_pretrained()
        source = load_network(pretrained_path(checkpoint) if shipped else checkpoint, self.family.generator_role)
        generator = self.networks[self.family.generator_role]
        if (source.family, source.config) != (self.run.family, self.run.model) and self.family.init_generator:
            self.family.init_generator(generator, self.run.model, source.family, source.config, source.generator)
            return
        if source.family != self.run.family or source.config != self.run.model:
            raise GanforgeError(f"--init-generator {checkpoint} holds another model ({source.family} with other [model] "
                                "settings); start from a checkpoint of the same preset or [model] config")
        generator.load_state_dict(source.generator.state_dict())

    def _replicated_tensors(self) -> list[torch.Tensor]:
        """What every process must hold alike: the networks' parameters and buffers, and the EMA's
        parameters (its BN statistics are refreshed where it is used, on the main process only)."""
        tensors = [t for module in self.networks.values() for t in (*module.parameters(), *module.buffers())]
        return tensors + (list(self.ema.parameters()) if self.ema is not None else [])

    def _enable_gradients(self, phase: Phase) -> None:
        """Gradients on for the networks a phase trains or keeps a graph of, off for the others."""
        grads = set(phase.trains) | set(phase.keeps)
        for role, module in self.networks.items():
            requires_grad(module, role in grads)

    def _to_device(self, batch: tuple) -> tuple:
        """A batch's tensors on the training device; images in the networks' memory format."""
        moved = []
        for tensor in batch:
            if tensor is not None:
                tensor = tensor.to(self.device, non_blocking=True)
                if tensor.dim() == 4:
                    tensor = tensor.contiguous(memory_format=self.memory_format)
            moved.append(tensor)
        return tuple(moved)

    def learning_rate_factor(self, step: int) -> float:
        """1 until lr_decay_start * steps, then falling linearly to 0 at the last step (CycleGAN's schedule)."""
        train = self.run.train
        start = train.lr_decay_start * train.steps
        if step < start:
            return 1.0
        return max(0.0, (train.steps - step) / max(train.steps - start, 1))

    def train_step(self, step: int) -> dict[str, torch.Tensor]:
        """Run every phase due at `step`; returns their statistics."""
        # crops, flips and masks of translation data: a pure function of (seed, step, rank), like the batch
        augment = np.random.default_rng([self.run.train.seed, step, self.dist.rank])
        batch = self._to_device(self.dataset.batch(self.sampler.indices(step), augment))
        if step + 1 < self.run.train.steps:  # a streamed folder decodes the next batch while this step trains
            self.dataset.prefetch(self.sampler.indices(step + 1))
        if self.run.train.lr_decay_start < 1:
            factor = self.learning_rate_factor(step)
            for name, optimizer in self.optimizers.items():
                for group in optimizer.param_groups:
                    group["lr"] = factor * self.base_lr[name]
        collective = {"all_reduce": all_reduce_sum, "world_size": self.dist.world_size} if self.dist.enabled else {}
        context = StepContext(step, self.step_networks, batch, **collective)
        stats: dict[str, torch.Tensor] = {}
        losses: list[tuple[str, torch.Tensor]] = []  # checked for NaN/inf once per step (one sync)
        for phase in self.objective.phases:
            if not phase.due(step):
                continue
            self._enable_gradients(phase)
            optimizer = self.optimizers[phase.optimizer]
            optimizer.zero_grad(set_to_none=True)
            with self.precision.autocast():
                loss, phase_stats = phase.loss(context)
            losses.append((phase.name, loss.detach()))
            self.precision.backward(loss)
            average_gradients(self.dist, (p for group in optimizer.param_groups for p in group["params"]))
            self.precision.step(optimizer)
            stats.update(phase_stats)
        broken = torch.stack([~torch.isfinite(loss) for _, loss in losses]).any().float()
        if (all_reduce_sum(broken) if self.dist.enabled else broken).item():  # every process stops together
            bad = ", ".join(f"{name} ({loss.item()})" for name, loss in losses if not torch.isfinite(loss))
            self.folder.diverged(step + 1, f"the loss of phase {bad or 'on another process'} is not finite")
        average_buffers(self.dist, self.networks.values())
        if self.ema is not None:
            update_ema(self.ema, self.networks[self.family.generator_role], self.run.train.ema_decay, step)
        return stats

    def refresh_ema(self) -> None:
        """Give the EMA generator BN statistics of its own weights (noise from a step-seeded RNG)."""
        if self.ema is None or not self.family.draws_from_noise:  # only noise generators have noise to refresh from
            return
        rng = torch.Generator().manual_seed(self.run.train.seed * 1_000_003 + self.step)
        classes = self.family.num_classes(self.run.model)
        size = self.run.train.batch_size

        def make_inputs() -> tuple:
            z = self.ema.sample_latent(size, generator=rng).to(self.device)
            labels = torch.randint(0, classes, (size,), generator=rng).to(self.device) if classes else None
            return z, labels

        refresh_batch_norm(self.ema, make_inputs, BN_REFRESH_BATCHES)

    def sampling_generator(self) -> nn.Module:
        """The generator grids come from: the moving average when there is one."""
        return self.ema if self.ema is not None else self.networks[self.family.generator_role]

    @torch.no_grad()
    def save_samples(self) -> Path:
        """Write samples/step-N.png from fixed inputs: the same noise, or the same real images, every time."""
        self.refresh_ema()
        networks = {**self.networks, self.family.generator_role: self.sampling_generator()}
        modes = {role: module.training for role, module in networks.items()}
        for module in networks.values():
            module.eval()
        rng = torch.Generator().manual_seed(self.run.train.seed)  # own RNG: grids never disturb training
        images, columns = self.family.preview(networks, self.preview_batch, rng)
        for role, module in networks.items():
            module.train(modes[role])
        return save_grid(images, self.run_dir / "samples" / f"step-{self.step:08d}.png", columns=columns)

    def _on_sigint(self, signum, frame):
        if self._stop_requested:  # a second Ctrl-C aborts at once; the last checkpoint stays valid
            raise KeyboardInterrupt
        self._stop_requested = True
        if self.dist.is_main:
            print("\nCtrl-C: finishing this step and saving a checkpoint (press again to abort without saving)")

    def fit(self, *, minutes: float | None = None) -> TrainResult:
        """Train until run.train.steps, the time budget, or Ctrl-C; then checkpoint and plot."""
        train = self.run.train
        deadline = time.monotonic() + 60 * minutes if minutes else None
        previous_handler = None
        if threading.current_thread() is threading.main_thread():
            previous_handler = signal.signal(signal.SIGINT, self._on_sigint)
        logger = self._open_log()
        if self.progress:
            print(f"precision: {self.precision_used} ({self.precision_reason})", file=sys.stderr)
        bar = tqdm(
            total=None if minutes and train.steps >= 10**9 else train.steps,  # a time budget alone has no end step
            initial=self.step, disable=not self.progress, unit="step", dynamic_ncols=True,
        )
        start_step, started = self.step, time.perf_counter()
        self._fit_started = started
        window = StatsWindow()
        last_checkpoint_step, samples = -1, None
        for module in self.networks.values():
            module.train()
        try:
            while self.step < train.steps:
                if self._stop_requested or (deadline is not None and time.monotonic() > deadline):
                    break
                window.add(self.train_step(self.step))
                self.step += 1
                bar.update(1)
                if self.step % train.log_every == 0 or self.step == train.steps:
                    values = window.report(train.batch_size)
                    bar.set_postfix({k: f"{v:.3g}" for k, v in values.items() if not k.startswith("D_")})
                    if logger is not None:
                        logger.log(self.step, values)
                with window.paused():  # grids, evaluation and checkpoints are not training throughput
                    samples = self._periodic_work(logger) or samples
                if train.checkpoint_every and self.step % train.checkpoint_every == 0:
                    last_checkpoint_step = self.step
        finally:
            bar.close()
            if previous_handler is not None:
                signal.signal(signal.SIGINT, previous_handler)
        seconds = time.perf_counter() - started
        if last_checkpoint_step != self.step:
            self.save()
        self.seconds_before, self._fit_started = self.train_seconds(), None
        self._check_replicas()
        loss_plot = None
        if self.dist.is_main:
            if samples is None or not samples.name.endswith(f"{self.step:08d}.png"):
                samples = self.save_samples()
            logger.close()
            loss_plot = plot_losses(logger.path, self.run_dir / "losses.png")
        return TrainResult(
            run_dir=self.run_dir,
            step=self.step,
            checkpoint=latest_checkpoint(self.run_dir),
            samples=samples,
            loss_plot=loss_plot,
            seconds=seconds,
            total_seconds=self.seconds_before,
            images_per_second=(self.step - start_step) * train.batch_size / max(seconds, 1e-9),
            stopped_early=self.step < train.steps,
            main_process=self.dist.is_main,
            best=self.best,
            precision=self.precision_used,
        )

    # the run's state in its folder -------------------------------------------------------------------
    def _start_new(self) -> int:
        """Step 0 of a new run, in a folder that holds none."""
        self.folder.start_new()
        return 0

    def _restore(self) -> int:
        """Load the latest checkpoint (weights, optimisers, objective state, RNG); returns its step."""
        state = self.folder.restore(self._checkpointed_modules(), self.optimizers)
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
        """Save the current step, unless a weight is not finite (then the divergence is reported and the last
        checkpoint stays the newest)."""
        self.refresh_ema()  # first: the EMA's refreshed BN statistics are checked too
        self._check_finite_weights()
        self.folder.write(step=self.step, modules=self._checkpointed_modules(), optimizers=self.optimizers,
                          state=self._state(), keep=self.run.train.keep_checkpoints,
                          objective={**self.objective.state_dict(), **self.precision.state_dict()})

    def _check_finite_weights(self) -> None:
        """Stop the run (nothing saved) when a weight or a buffer (BN statistics) is NaN or infinite."""
        for role, module in self._checkpointed_modules().items():
            if not all(torch.isfinite(p).all() for p in module.parameters()):
                self.folder.diverged(self.step, f"a weight of the {role} is not finite")
            # buffers too: a BatchNorm's running variance can overflow while every weight stays finite
            broken = next((name for name, b in module.named_buffers() if b.is_floating_point()
                           and not torch.isfinite(b).all()), None)
            if broken is not None:
                self.folder.diverged(self.step, f"the {role}'s {broken} is not finite")

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
            self.folder.write_best(step=self.step, modules={role: modules[role] for role in roles},
                                   state=self._state(), evaluation=self.best)
        if self.progress:
            tqdm.write(f"step {self.step}: {self.evaluation.key[5:]} {value:.4g}" + (" (best so far)" if improved else ""))
        return values

    def _open_log(self) -> MetricsLogger | None:
        """metrics.jsonl and TensorBoard on the main process (a damaged line of a killed run is said and left out)."""
        if not self.dist.is_main:
            return None
        logger = MetricsLogger(self.run_dir, resume_step=self.step, labels={"precision": self.precision_used})
        if logger.dropped:
            print(f"note: left out {logger.dropped} damaged line(s) of {logger.path} (a run killed mid-write)",
                  file=sys.stderr)
        return logger

    def _periodic_work(self, logger: MetricsLogger | None) -> Path | None:
        """What is due after this step besides training: a sample grid, an evaluation, a checkpoint.
        Returns the grid written, if any."""
        train, samples = self.run.train, None
        if self.dist.is_main and train.sample_every and self.step % train.sample_every == 0:
            samples = self.save_samples()
        if self.evaluation is not None and self.step % train.eval_every == 0:
            try:
                logger.log(self.step, self.evaluate())
            except Exception:  # the trained steps are sound: keep them (no barrier: only main evaluates)
                self._write_checkpoint()
                raise
        if train.checkpoint_every and self.step % train.checkpoint_every == 0:
            self.save()
        return samples

    def _check_replicas(self) -> None:
        """End of a data-parallel run: every process must hold the very same weights, or the run fails."""
        if not replicas_identical(self.dist, self._replicated_tensors()):
            raise GanforgeError(
                f"data-parallel: the {self.dist.world_size} processes ended with different weights, so the "
                "checkpoint is rank 0's alone; report this as a bug (with the command), and train on one process meanwhile"
            )
        if self.dist.enabled and self.dist.is_main:
            print(f"data-parallel: {self.dist.world_size} processes, replicas identical: True")
