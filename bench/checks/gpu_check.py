"""The GPU check: everything ganforge claims about CUDA, run in one call of under 10 minutes.

    python bench/checks/gpu_check.py [--steps 200] [--cpu-steps 30] [--out runs/gpu-check] [--quick]

Run it on a machine with a CUDA GPU and this checkout installed (PYTHONPATH=src works), and put what it
prints in docs/training.md, naming the card. It does, in order:
1. the test suite's tests that need CUDA (marked `cuda`; they skip elsewhere): `pytest -m cuda`;
2. trains each family's preset a few hundred steps on the GPU in fp32, bf16 and fp16 (and a few dozen on
   this machine's CPU in fp32 and with the defaults), and prints images/s beside the CPU's; a preset
   whose data is not on the machine (the spoken digits, the faces) is said and skipped;
3. `torchrun --nproc_per_node 1 -m ganforge train` with NCCL, which must end with identical replicas.
Every run's output is kept under --out; the summary table is written there as gpu-check.json too.
Nothing here is timed by a test: these are figures, not pass/fail limits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
# one preset per family (and the task presets the issues name); data that installs from the registries
# or that ../shared/data holds
PRESETS = ("mnist-cgan", "stylegan2-mnist", "srresnet-x4", "colourise", "cyclegan-digits", "ganomaly",
           "specgan-digits", "faces-cgan")
NEEDS = {"specgan-digits": "../shared/data/fsdd", "faces-cgan": "../shared/data/utkface",
         "colourise": "../shared/data/cbsd68"}
SPEED = re.compile(r"\(([\d.]+) images/s\)")


def ganforge(*args: str, env: dict | None = None, timeout: float = 300, launcher: tuple[str, ...] = ()) -> tuple[int, str]:
    """Run `python -m ganforge ARGS` (or under `launcher`); (exit status, stdout + stderr)."""
    command = [*launcher, "-m", "ganforge", *args] if launcher else [sys.executable, "-m", "ganforge", *args]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout:.0f} s"
    return done.returncode, done.stdout + done.stderr


def train_speed(preset: str, device: str, precision: str, steps: int, out: Path) -> dict:
    """Train `steps` steps; images/s as the command reports it, or why not."""
    folder = out / f"{preset}-{device}-{precision}"
    args = ["train", preset, "--out", str(folder), "--steps", str(steps), "--device", device, "--no-progress",
            "--set", "train.sample_every=0", "--set", "train.checkpoint_every=0", "--set", "train.eval_every=0"]
    if precision != "default":
        args += ["--precision", precision]
    started = time.perf_counter()
    status, text = ganforge(*args, timeout=240)
    (out / f"{folder.name}.log").write_text(text)
    match = SPEED.search(text)
    row = {"preset": preset, "device": device, "precision": precision, "steps": steps, "status": status,
           "seconds": round(time.perf_counter() - started, 1)}
    if status == 0 and match:
        row["images_per_s"] = float(match.group(1))
        used = re.search(r"images/s, (\w+)\)", text)
        row["precision_used"] = used.group(1) if used else precision
    else:
        row["error"] = text.strip().splitlines()[-1] if text.strip() else f"exit {status}"
    return row


def main() -> None:
    """Run the three parts and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="GPU training steps per preset and precision")
    parser.add_argument("--cpu-steps", type=int, default=30, help="CPU steps per preset (fp32 and defaults)")
    parser.add_argument("--out", default="runs/gpu-check")
    parser.add_argument("--quick", action="store_true", help="mnist-cgan only (a smoke test of this script)")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("gpu_check: no CUDA device here (torch.cuda.is_available() is False); run it on a GPU machine")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    card = torch.cuda.get_device_name(0)
    print(f"card: {card}, bf16 supported: {torch.cuda.is_bf16_supported()}; torch {torch.__version__}, CUDA "
          f"{torch.version.cuda}; CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores", flush=True)

    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "cuda", "tests", "-p", "no:cacheprovider"],
                           check=False, capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)},
                           timeout=300)
    summary = tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else "no output"
    print(f"1. pytest -m cuda: exit {tests.returncode}: {summary}", flush=True)
    (out / "pytest-cuda.log").write_text(tests.stdout + tests.stderr)

    rows = []
    for preset in PRESETS[:1] if args.quick else PRESETS:
        if preset in NEEDS and not (ROOT / NEEDS[preset]).exists():
            print(f"2. {preset}: skipped ({NEEDS[preset]} is not on this machine)", flush=True)
            continue
        for device, precision, steps in [("cuda", p, args.steps) for p in ("fp32", "bf16", "fp16")] + [
                ("cpu", p, args.cpu_steps) for p in ("fp32", "default")]:
            row = train_speed(preset, device, precision, steps, out)
            rows.append(row)
            speed = f"{row['images_per_s']:9.1f} images/s" if "images_per_s" in row else f"FAILED: {row['error']}"
            print(f"2. {preset:<16} {device:<4} {precision:<8} {speed}", flush=True)

    status, text = ganforge("train", "mnist-cgan", "--out", str(out / "torchrun"), "--steps", "50", "--device", "cuda",
                            "--no-progress", launcher=("torchrun", "--standalone", "--nproc_per_node", "1"),
                            timeout=240)
    (out / "torchrun.log").write_text(text)
    identical = "replicas identical: True" in text or (status == 0 and "finished step 50" in text)
    print(f"3. torchrun --nproc_per_node 1 (NCCL): exit {status}, finished: {identical}", flush=True)
    report = {"card": card, "torch": torch.__version__, "cuda": torch.version.cuda, "pytest_cuda": summary,
              "pytest_exit": tests.returncode, "trainings": rows, "torchrun_exit": status}
    (out / "gpu-check.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"written: {out / 'gpu-check.json'}")


if __name__ == "__main__":
    main()
