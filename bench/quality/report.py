"""What the curve benches share: the machine and time line above a table, and the Markdown table of rows."""

from __future__ import annotations

import platform
import time


def print_table(rows: dict[str, dict[str, float]], columns: tuple[str, ...] | list[str], *, first: str,
                heading: str, started: float) -> None:
    """`heading`, the machine and the seconds since `started`, then one Markdown row per entry of `rows`
    (its name in the column `first`, each of `columns` to 3 decimals)."""
    print(f"{heading}; {platform.processor() or platform.machine()}, {time.perf_counter() - started:.0f} s")
    print(f"\n| {first} | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |")
