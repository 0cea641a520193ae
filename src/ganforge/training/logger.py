"""Where statistics go once reported: metrics.jsonl, TensorBoard, and a loss plot at the end."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import torch

from ganforge.utils.files import atomic_write
from ganforge.utils.records import METRICS_FILE, parse_record, read_metrics


class MetricsLogger:
    """Appends one JSON line per report to <run>/metrics.jsonl and mirrors it to TensorBoard."""

    def __init__(self, run_dir: Path, *, resume_step: int = 0, labels: dict[str, str] | None = None):
        self.path = run_dir / METRICS_FILE
        self.labels = dict(labels or {})  # written into every line as they are (e.g. the precision used)
        self.dropped = 0  # damaged lines (a torn last line of a killed run) left out on resume
        if self.path.exists():
            # drop lines a crashed run wrote after its last checkpoint (they would be logged twice), and
            # lines that are not whole records: a log never blocks a resume
            kept = []
            for line in self.path.read_text(errors="replace").splitlines():
                record = parse_record(line)
                if record is None:
                    self.dropped += bool(line.strip())
                elif record["step"] <= resume_step:
                    kept.append(line)
            atomic_write(self.path, lambda tmp: tmp.write_text("".join(k + "\n" for k in kept)))
        self._file = open(self.path, "a")  # noqa: SIM115 -- open for the whole run, closed by close()
        self._tensorboard = None
        try:
            from torch.utils.tensorboard import SummaryWriter

            self._tensorboard = SummaryWriter(str(run_dir / "tensorboard"), purge_step=resume_step or None)
        except ImportError:  # TensorBoard is optional: metrics.jsonl always has everything
            pass

    def log(self, step: int, values: dict[str, float]) -> None:
        """Record `values` at `step`."""
        record = {"step": step, **self.labels, **{k: round(v, 6) for k, v in values.items()}}
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()
        if self._tensorboard is not None:
            for key, value in values.items():
                self._tensorboard.add_scalar(key, value, step)

    def close(self) -> None:
        """Flush and close both sinks."""
        self._file.close()
        if self._tensorboard is not None:
            self._tensorboard.close()


def plot_losses(metrics_path: Path, out: Path) -> Path | None:
    """Plot every loss_* series of metrics.jsonl against the step; None when there is nothing to plot."""
    records = read_metrics(metrics_path) if metrics_path.exists() else []
    keys = sorted({k for r in records for k in r if k.startswith("loss_")})
    if not keys:
        return None
    # a Figure of its own, not pyplot: the caller's backend (a notebook's inline one) is left alone
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.5), dpi=100)
    axes = figure.subplots()
    for key in keys:
        points = [(r["step"], r[key]) for r in records if key in r]
        axes.plot(*zip(*points), label=key)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    atomic_write(out, lambda tmp: figure.savefig(tmp, format="png"))
    return out


class StatsWindow:
    """Statistics and throughput since the last log line; time spent in `paused()` does not count."""

    def __init__(self):
        self.values: dict[str, list[torch.Tensor]] = {}
        self.start, self.steps = time.perf_counter(), 0

    def add(self, stats: dict[str, torch.Tensor]) -> None:
        """One step's statistics."""
        self.steps += 1
        for key, value in stats.items():
            self.values.setdefault(key, []).append(value)

    def report(self, batch_size: int) -> dict[str, float]:
        """Means since the last report and images/s; starts a new window."""
        elapsed = time.perf_counter() - self.start
        values = {k: torch.stack(v).float().mean().item() for k, v in self.values.items()}
        values["images_per_second"] = self.steps * batch_size / max(elapsed, 1e-9)
        self.values, self.start, self.steps = {}, time.perf_counter(), 0
        return values

    @contextlib.contextmanager
    def paused(self):
        """Leave the enclosed time out of the throughput."""
        began = time.perf_counter()
        try:
            yield
        finally:
            self.start += time.perf_counter() - began
