"""A run's metrics.jsonl: one JSON record per line, each with an integer step; read by the trainer (to
resume and plot) and by the apps (to show a run)."""

from __future__ import annotations

import json
from pathlib import Path

METRICS_FILE = "metrics.jsonl"


def parse_record(line: str) -> dict | None:
    """One metrics.jsonl line as a record with an integer step, or None when it is not one."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("step"), int) else None


def read_metrics(path: Path) -> list[dict]:
    """The records of a metrics.jsonl file (damaged lines are left out)."""
    return [record for line in path.read_text(errors="replace").splitlines() if (record := parse_record(line)) is not None]
