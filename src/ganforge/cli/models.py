"""List the presets you can train and the models shipped with ganforge."""

from __future__ import annotations

import argparse

from ganforge.models.pretrained import list_pretrained
from ganforge.training.config import PRESETS

NAME = "models"
HELP = "list presets and shipped weights"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`ganforge models` takes no options."""


def run(args: argparse.Namespace) -> None:
    """Print both lists."""
    shipped = list_pretrained()
    width = max(len(name) for name in [*PRESETS, *shipped])
    print("presets (ganforge train PRESET):")
    for name, preset in PRESETS.items():
        print(f"  {name:<{width}} {preset.description}")
    print("shipped weights (--model NAME; noise models: ganforge sample, super-resolution: ganforge upscale, "
          "colourisation: ganforge colourise, words: ganforge write, music: ganforge compose):")
    for name, state in shipped.items():
        data = state.get("data", {}).get("name", "?")
        print(f"  {name:<{width}} {state['family']} family, trained {state['step']} steps on {data}")
    if not shipped:
        print("  (none)")
