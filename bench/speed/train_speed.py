"""Training speed: ganforge's trainer against a plain reference loop of the identical networks.

    python bench/speed/train_speed.py [--models mnist-gan,dcgan-64] [--batch-size 64] [--seconds 15] [--rounds 3]
                                [--ablation] [--extras compile,bf16]

Reference: the pytorch/examples DCGAN loop (dcgan/main.py), written out below: D on a real batch,
D on G(z).detach(), one D step; then the G step through D(G(z)) on the same fakes; BCE on logits;
Adam(lr 2e-4, betas 0.5/0.999) with PyTorch's defaults; batches handed over as ready float
tensors (its best case: no data loading at all). ganforge: `Trainer.train_step` in fp32 (like for like) and with its
default settings (train.precision "auto": bf16 autocast where the CPU computes bf16 natively), on the same initial weights, batch size and threads, its batches drawn from an
in-memory uint8 dataset (its real input pipeline). The images are random pixels: content does
not change the speed. The two alternate for --rounds rounds of --seconds each; the median
images/s of each is reported, and their ratio is measured in the same run.

--ablation also times ganforge with channels_last and/or fake reuse switched off, to show what
each gives; --extras compile,bf16 times it with train.compile (torch.compile, after a warm-up that
compiles) and with train.precision = "bf16" (autocast). Also printed: the float32 matmul peak of this machine (2048x2048 GEMM), FLOPs per training step
(torch.utils.flop_counter) and the fraction of that peak each loop reaches.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from ganforge.data import ImageDataset
from ganforge.training import precision
from ganforge.training.config import PRESETS, with_changes
from ganforge.training.trainer import Trainer

IMAGE_SIZE = {"mnist-gan": 28, "mnist-cgan": 28, "dcgan-64": 64}


def matmul_peak(size: int = 2048, repeats: int = 10) -> float:
    """Best float32 GEMM throughput in GFLOP/s."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def reference_step(generator: nn.Module, discriminator: nn.Module, real: torch.Tensor, labels, latent_dim: int,
                   optimizers: tuple[torch.optim.Optimizer, torch.optim.Optimizer]) -> None:
    """One iteration of the pytorch/examples DCGAN loop."""
    optimizer_g, optimizer_d = optimizers
    criterion = nn.functional.binary_cross_entropy_with_logits
    ones, zeros = torch.ones(len(real)), torch.zeros(len(real))
    discriminator.zero_grad()
    criterion(discriminator(real, labels), ones).backward()
    fake = generator(torch.randn(len(real), latent_dim), labels)
    criterion(discriminator(fake.detach(), labels), zeros).backward()
    optimizer_d.step()
    generator.zero_grad()
    criterion(discriminator(fake, labels), ones).backward()
    optimizer_g.step()


def measure(step: Callable[[int], None], seconds: float, warmup: int = 2) -> tuple[float, int]:
    """Steps per second of `step(i)` over at least `seconds`, after `warmup` steps."""
    for index in range(warmup):
        step(index)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or count < 3:
        step(warmup + count)
        count += 1
    return count / (time.perf_counter() - started), count


def flops(step: Callable[[int], None]) -> float:
    """FLOPs of one call of `step`."""
    counter = FlopCounterMode(display=False)
    with counter:
        step(10_000)
    return float(counter.get_total_flops())


FP32 = {"precision": "fp32"}
VARIANTS = {  # like for like in fp32, then ganforge settings switched off one at a time, to show what each one gives
    "ganforge (fp32)": FP32,
    "  without channels_last": {**FP32, "channels_last": False},
    "  without fake reuse": {**FP32, "reuse_fakes": False},
    "  without both": {**FP32, "channels_last": False, "reuse_fakes": False},
}
DEFAULTS = "ganforge defaults"  # train.precision "auto": bf16 where native and measured, else fp32


EXTRAS = {  # options that are off by default, switched on one at a time
    "compile": ("  with torch.compile", {"compile": True}),
    "bf16": ("  with bf16 autocast", {"precision": "bf16"}),
}
TRAIN_KEYS = ("channels_last", "compile", "precision")


def variant(run, changes: dict):
    """`run` with train.channels_last, compile, precision and/or objective.reuse_fakes changed."""
    train = dataclasses.replace(run.train, **{k: v for k, v in changes.items() if k in TRAIN_KEYS})
    objective = dataclasses.replace(run.objective, **{k: v for k, v in changes.items() if k == "reuse_fakes"})
    return dataclasses.replace(run, train=train, objective=objective)


def bench_model(name: str, batch_size: int, seconds: float, rounds: int, peak: float, ablation: bool,
                extras: tuple[str, ...] = ()) -> list[dict]:
    """Reference and ganforge images/s (and FLOPs) for preset `name`; one row per loop."""
    run = with_changes(PRESETS.get(name).run, batch_size=batch_size)
    size, channels = IMAGE_SIZE[name], run.model.image_channels
    rng = np.random.default_rng(0)
    classes, count = run.model.num_classes, max(batch_size * 8, 512)
    dataset = ImageDataset(
        "random", rng.integers(0, 256, (count, size, size, channels), dtype=np.uint8),
        rng.integers(0, classes, count) if classes else None, tuple(str(i) for i in range(classes)),
    )
    steps: dict[str, Callable[[int], None]] = {}
    with tempfile.TemporaryDirectory() as folder:
        chosen = dict(VARIANTS.items() if ablation else list(VARIANTS.items())[:1])
        chosen.update(dict(EXTRAS[extra] for extra in extras))
        chosen[DEFAULTS] = {}
        for label, changes in chosen.items():
            torch.manual_seed(0)
            trainer = Trainer(variant(run, changes), dataset, run_dir=Path(folder) / label.strip().replace(" ", "-"),
                              device=torch.device("cpu"), progress=False)
            if label == DEFAULTS:
                label = f"{DEFAULTS} ({trainer.precision_used})"
            steps[label] = trainer.train_step
        # the reference starts from the same initial weights, in PyTorch's default layout
        generator = copy.deepcopy(trainer.networks["generator"])
        discriminator = copy.deepcopy(trainer.networks["discriminator"])
        optimizers = tuple(torch.optim.Adam(m.parameters(), lr=2e-4, betas=(0.5, 0.999)) for m in (generator, discriminator))
        batches = [dataset.batch(trainer.sampler.indices(i)) for i in range(8)]

        def reference(i: int) -> None:
            reference_step(generator, discriminator, *batches[i % 8], run.model.latent_dim, optimizers)

        loops = {"reference (pytorch/examples)": reference, **steps}
        speeds: dict[str, list[float]] = {label: [] for label in loops}
        for _ in range(rounds):  # interleaved, so a slow spell of the machine hits every loop
            for label, step in loops.items():
                speeds[label].append(measure(step, seconds)[0] * batch_size)
        reference_speed = statistics.median(speeds["reference (pytorch/examples)"])
        rows = []
        plain = flops(steps["ganforge (fp32)"]) / batch_size / 1e9  # the same networks: compiled kernels not counted
        for label, step in loops.items():
            speed = statistics.median(speeds[label])
            gflop = plain if label.startswith(("  with", DEFAULTS)) else flops(step) / batch_size / 1e9
            rows.append({"model": name, "loop": label, "images_per_s": speed, "ratio": speed / reference_speed,
                         "gflop_per_image": gflop, "peak_fraction": speed * gflop / peak})
    return rows


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mnist-gan,dcgan-64")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=15.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--ablation", action="store_true", help="also time ganforge with each speed-up switched off")
    parser.add_argument("--extras", default="", help=f"also time ganforge with these on: {', '.join(EXTRAS)}")
    args = parser.parse_args()
    extras = tuple(extra for extra in args.extras.split(",") if extra)
    unknown = [extra for extra in extras if extra not in EXTRAS]
    if unknown:
        parser.error(f"--extras {','.join(unknown)}: choose from {', '.join(EXTRAS)}")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    peak = matmul_peak()
    native = precision.native_bf16(torch.device("cpu"))[1]
    print(f"machine: {platform.processor() or platform.machine()} ({native}), {args.threads} threads, torch "
          f"{torch.__version__}; float32 matmul peak {peak:.0f} GFLOP/s")
    print(f"{'model':<10} {'loop':<30} {'images/s':>9} {'vs reference':>12} {'GFLOP/image':>11} {'of peak':>8}")
    for name in args.models.split(","):
        for r in bench_model(name, args.batch_size, args.seconds, args.rounds, peak, args.ablation, extras):
            print(f"{r['model']:<10} {r['loop']:<30} {r['images_per_s']:>9.1f} {r['ratio']:>11.2f}x "
                  f"{r['gflop_per_image']:>11.3f} {r['peak_fraction']:>8.0%}", flush=True)


if __name__ == "__main__":
    main()
