"""What every lecture notebook starts with: imports, the quick switch the tests set, and `show`."""

SETUP = '''import os, json
from pathlib import Path
import matplotlib.pyplot as plt
import numpy as np

QUICK = os.environ.get("GANFORGE_NOTEBOOK_QUICK") == "1"  # the tests run every notebook in a few steps
WORK = Path("notebook-runs")
WORK.mkdir(exist_ok=True)

def show(images, columns=10, title=None):
    """A grid of images (N, C, H, W) in [-1, 1]."""
    from ganforge.utils.images import make_grid, to_uint8
    grid = make_grid(to_uint8(images), columns=columns)
    plt.figure(figsize=(columns * 0.6, (len(images) + columns - 1) // columns * 0.6))
    plt.imshow(grid[..., 0] if grid.shape[2] == 1 else grid, cmap="gray")
    plt.axis("off")
    if title:
        plt.title(title)
    plt.show()'''
