"""The data path against the training step: is decoding photos ever the bottleneck?

    python bench/speed/data_speed.py [--data utkface,../shared/data/cats-dogs/cats] [--preset faces-cgan] [--seconds 10]

For each photo folder (UTKFace's 200x200 faces, the pets' 180x180 cats) at the preset's size it prints
images/s of: decoding every file once into the cache (cold: a fresh cache folder, so this is the
first run's cost), drawing training batches from the cache (what every step does: random indices of
the memory-mapped uint8 array, converted to float), and decoding batches straight from the files
(what a run without the cache would do every step), beside the preset's training step with its
defaults (train.precision "auto"), measured in the same process, one after the other. The goal of
issue 44: the cached data path at least 3x the step's images/s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from ganforge.data import load_training_data
from ganforge.data.cache import square_image
from ganforge.data.folder import folder_files, read_image
from ganforge.data.utkface import face_folder, face_table, is_face_spec
from ganforge.training import precision
from ganforge.training.config import PRESETS
from ganforge.training.trainer import Trainer


def rate(work, count: int, seconds: float) -> float:
    """Items per second of work() (which handles `count` items), over at least `seconds`."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or done == 0:
        work()
        done += count
    return done / (time.perf_counter() - started)


def measure_folder(spec: str, run, side: int, batch: int, seconds: float) -> None:
    """Print the figures of one folder (see the module doc)."""
    with tempfile.TemporaryDirectory() as home:
        os.environ["GANFORGE_DATA"] = home  # a cold cache
        started = time.perf_counter()
        data = load_training_data("images", spec, size=side, on_note=lambda _: None)
        cold = len(data) / (time.perf_counter() - started)
        rng = np.random.default_rng(0)
        cached = rate(lambda: data.batch(rng.integers(0, len(data), batch)), batch, seconds)
        files = (list(face_table(face_folder(spec)[0], "train").files) if is_face_spec(spec)
                 else folder_files(spec)[0])
        print(f"{spec}: {len(data):,} photos; decoded once into the cache at {cold:,.0f} images/s; batches from "
              f"the cache {cached:,.0f} images/s", flush=True)

        def uncached():
            for index in rng.integers(0, len(files), batch):
                square_image(read_image(files[index]), side)

        print(f"{spec}: decoding every batch from the files (no cache) {rate(uncached, batch, seconds):,.0f} "
              "images/s", flush=True)
        model = run.model if data.num_classes >= 2 else dataclasses.replace(run.model, num_classes=0)
        trainer = Trainer(dataclasses.replace(run, model=model), data, run_dir=Path(home) / "run",
                          device=torch.device("cpu"), progress=False)
        for step in range(2):
            trainer.train_step(step)
        counter = iter(range(2, 10**9))
        step_rate = rate(lambda: trainer.train_step(next(counter)), batch, seconds)
        print(f"{spec}: training step ({trainer.precision_used}) {step_rate:,.0f} images/s; cached data path "
              f"{cached / step_rate:,.1f}x the step, uncached {rate(uncached, batch, 2) / step_rate:,.1f}x",
              flush=True)


def main() -> None:
    """Measure and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="utkface,../shared/data/cats-dogs/cats")
    parser.add_argument("--preset", default="faces-cgan")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    run = PRESETS.get(args.preset).run
    side, batch = run.model.image_size, run.train.batch_size
    print(f"machine: {platform.processor() or platform.machine()} ({precision.native_bf16(torch.device('cpu'))[1]}), "
          f"{torch.get_num_threads()} threads; preset {args.preset} ({side}x{side}, batch {batch})")
    for spec in args.data.split(","):
        measure_folder(spec, run, side, batch, args.seconds)


if __name__ == "__main__":
    main()
