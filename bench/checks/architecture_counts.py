"""The architecture issue's counts, for the working tree and an earlier commit, and whether a refactor between
them changed any preset or family declaration:

    python bench/checks/architecture_counts.py --before db9a78a

Counts over src/ganforge: capability probes (`hasattr(...)` and comparisons with a family's name: the ones
tests/test_architecture.py forbids), task ladders outside models/ (`.data_kind ==/!=/in`, `.translates`,
`.detects_anomalies`, `is_*_checkpoint(`: code that works out what a model is for instead of asking its
declared task), and the longest functions. Then every preset's description and RunConfig, and every family's
declaration (task, data kind, capabilities, roles, directions), dumped from both trees in their own Python
processes and compared. The earlier tree comes from `git archive`; nothing is checked out.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = re.compile(r'hasattr\(|\["family"\]\s*[!=]=|family\s*[!=]=\s*"')
LADDER = re.compile(r"\.data_kind\s*(==|!=|in)|\.translates\b|\.detects_anomalies\b|is_(audio|anomaly|translation)"
                    r"_checkpoint\(")
DUMP = """
import json
from ganforge.models import FAMILIES
from ganforge.training import PRESETS
presets = {name: [preset.description, preset.run.to_dict()] for name, preset in PRESETS.items()}
families = {name: [getattr(f, "task", None), f.data_kind, sorted(f.capabilities), f.generator_role,
                   sorted(f.directions.items()), list(f.scoring_roles), f.auto_bf16] for name, f in FAMILIES.items()}
print(json.dumps({"presets": presets, "families": families}, sort_keys=True, default=str))
"""


def counts(package: Path) -> dict:
    """Probes, task ladders and the five longest functions of the package at `package`."""
    probes = ladders = 0
    functions = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text()
        probes += len(PROBE.findall(text))
        if path.relative_to(package).parts[0] != "models":
            ladders += len(LADDER.findall(text))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append((node.end_lineno - node.lineno + 1, f"{path.relative_to(package)}:{node.name}"))
    return {"probes": probes, "task_ladders": ladders, "longest_functions": sorted(functions, reverse=True)[:5]}


def declarations(src: Path) -> dict:
    """The presets and family declarations of the package under `src`, dumped by its own interpreter."""
    done = subprocess.run([sys.executable, "-c", DUMP], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(src)}, cwd=src)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the commit to compare with (e.g. db9a78a)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "src"], capture_output=True,
                                 check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        before_src, now_src = Path(folder) / "src", ROOT / "src"
        for name, src in ((args.before, before_src), ("now", now_src)):
            print(name, json.dumps(counts(src / "ganforge")))
        old, new = declarations(before_src), declarations(now_src)
    print("presets equal:", old["presets"] == new["presets"], f"({len(new['presets'])} presets)")
    same = all(old["families"][name][1:] == new["families"][name][1:] for name in new["families"])
    print("family declarations equal (beyond the task, which the earlier tree may not declare):",
          same and old["families"].keys() == new["families"].keys())


if __name__ == "__main__":
    main()
