"""What a style-based generator (stylegan2) can do beyond sampling: the style-mixing figure and
latent walks. Seeds name latents: seed s is z = N(0, I) drawn by a CPU generator seeded with s, so
a seed gives the same face on every machine and device.

mix          cell (row r, column c) takes the row seed's w for the fine layers and the column seed's
             for the coarse layers 0 .. cut-1 (pose, shape); the top row and left column show the
             seeds themselves (Karras et al. 2019, figure 3).
interpolate  frames between consecutive seeds (and back to the first): spherical in z, or linear
             in w, the space where StyleGAN's paths are smooth; written as an animated GIF.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ganforge.errors import GanforgeError
from ganforge.models import FAMILIES, STYLE
from ganforge.models.io import LoadedGenerator
from ganforge.utils.files import atomic_write, ensure_writable_dir
from ganforge.utils.images import make_grid, save_image, to_uint8
from ganforge.utils.memory import images_bytes, largest_count, require_memory

MAX_SEEDS = 1_000_000  # seeds one --seeds/--rows/--cols may name (ranges are counted before they are expanded)


def require_style_generator(loaded: LoadedGenerator) -> torch.nn.Module:
    """The generator, if it is style-based; a one-line error otherwise."""
    generator = loaded.generator
    if not FAMILIES.get(loaded.family).can(STYLE):
        raise GanforgeError(f"{loaded.source} is a {loaded.family} model; style mixing and w walks need a "
                            "stylegan2 checkpoint (ganforge train stylegan2-faces)")
    return generator


def parse_seeds(text: str, what: str = "--seeds") -> list[int]:
    """'1,2,5-7' -> [1, 2, 5, 6, 7]; anything else is a one-line error."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part[1:]:
                first, last = (int(end) for end in part.split("-", 1))
                if last - first + 1 + len(seeds) > MAX_SEEDS:
                    raise GanforgeError(f"{what} {text!r} names more than {MAX_SEEDS:,} seeds; ask for fewer")
                seeds.extend(range(first, last + 1))
            else:
                seeds.append(int(part))
        except ValueError:
            raise GanforgeError(f"{what} {text!r}: seeds are whole numbers separated by commas, like 1,2,5-7") from None
    if not seeds or any(seed < 0 for seed in seeds):
        raise GanforgeError(f"{what} {text!r}: give one or more seeds >= 0, like 1,2,5-7")
    return seeds


def seed_latents(generator: torch.nn.Module, seeds: list[int]) -> torch.Tensor:
    """z of each seed, (len(seeds), z_dim), on the CPU."""
    return torch.cat([generator.sample_latent(1, generator=torch.Generator().manual_seed(seed)) for seed in seeds])


@torch.no_grad()
def mix_grid(loaded: LoadedGenerator, row_seeds: list[int], col_seeds: list[int], *, cut: int | None = None,
             truncation: float = 1.0) -> np.ndarray:
    """The style-mixing figure as one uint8 (H, W, C) image; see the module doc."""
    generator = require_style_generator(loaded).eval()
    cut = generator.num_ws // 2 if cut is None else cut
    if not 1 <= cut < generator.num_ws:
        raise GanforgeError(f"--cut {cut}: choose a layer from 1 to {generator.num_ws - 1} (this model has "
                            f"{generator.num_ws} style inputs)")
    cells = (len(row_seeds) + 1) * (len(col_seeds) + 1)
    require_memory(images_bytes(cells, loaded.config.image_shape), f"a {len(row_seeds):,} x {len(col_seeds):,} mix",
                   f"keep rows x columns under {largest_count(loaded.config.image_shape):,} images")
    device = next(generator.parameters()).device
    rows = generator.ws(seed_latents(generator, row_seeds).to(device), truncation)
    cols = generator.ws(seed_latents(generator, col_seeds).to(device), truncation)
    row_images, col_images = generator.synthesis(rows), generator.synthesis(cols)
    blank = torch.ones_like(row_images[:1])  # white corner
    cells = [blank, *col_images[:, None].unbind(0)]
    for index in range(len(row_seeds)):
        mixed = generator.mix(cols, rows[index : index + 1].expand_as(cols), cut)
        cells += [row_images[index : index + 1], *generator.synthesis(mixed)[:, None].unbind(0)]
    images = torch.cat(cells).cpu()
    return make_grid(to_uint8(images), columns=len(col_seeds) + 1)


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """Spherical interpolation between two batches of vectors."""
    a_unit, b_unit = a / a.norm(dim=-1, keepdim=True), b / b.norm(dim=-1, keepdim=True)
    omega = torch.acos((a_unit * b_unit).sum(-1, keepdim=True).clamp(-1, 1))
    sin = torch.sin(omega)
    if float(sin.abs().min()) < 1e-6:
        return torch.lerp(a, b, t)
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / sin


@torch.no_grad()
def interpolation_frames(loaded: LoadedGenerator, seeds: list[int], *, steps: int = 16, space: str = "w",
                         truncation: float = 1.0, label: int | None = None) -> list[np.ndarray]:
    """uint8 (H, W, C) frames walking seed 1 -> seed 2 -> ... -> seed 1, `steps` frames per leg: in w or z
    for a style-based generator, in z (spherically, scaled by `truncation`) for the others, of class
    `label` for a conditional one (0 when not given)."""
    if space not in ("w", "z"):
        raise GanforgeError(f"--space {space}: interpolate in w or z")
    if len(seeds) < 2 or steps < 1:
        raise GanforgeError("give at least two seeds (--seeds 1,2) and --steps >= 1")
    if not FAMILIES.get(loaded.family).can(STYLE):
        return _z_walk(loaded, seeds, steps, truncation, label)
    generator = require_style_generator(loaded).eval()
    frames_wanted = len(seeds) * steps
    require_memory(images_bytes(frames_wanted, loaded.config.image_shape, copies=1.0),
                   f"{frames_wanted:,} frames ({len(seeds):,} seeds x --steps {steps:,})",
                   f"keep seeds x steps under {largest_count(loaded.config.image_shape, copies=1.0):,}")
    device = next(generator.parameters()).device
    z = seed_latents(generator, seeds + seeds[:1]).to(device)
    frames = []
    for leg in range(len(seeds)):
        for step in range(steps):
            t = step / steps
            if space == "z":
                ws = generator.ws(slerp(z[leg : leg + 1], z[leg + 1 : leg + 2], t), truncation)
            else:
                ends = generator.ws(z[leg : leg + 2], truncation)
                ws = torch.lerp(ends[:1], ends[1:], t)
            frames.append(to_uint8(generator.synthesis(ws).cpu())[0])
    return frames


def _z_walk(loaded: LoadedGenerator, seeds: list[int], steps: int, truncation: float,
            label: int | None) -> list[np.ndarray]:
    """interpolation_frames for a generator without a mapping network: spherical steps between seeds' z."""
    generator = loaded.generator.eval()
    require_memory(images_bytes(len(seeds) * steps, loaded.config.image_shape, copies=1.0),
                   f"{len(seeds) * steps:,} frames ({len(seeds):,} seeds x --steps {steps:,})",
                   f"keep seeds x steps under {largest_count(loaded.config.image_shape, copies=1.0):,}")
    device = next(generator.parameters()).device
    z = seed_latents(generator, seeds + seeds[:1]).to(device) * truncation
    classes = FAMILIES.get(loaded.family).num_classes(loaded.config)
    labels = torch.full((1,), label or 0, dtype=torch.long, device=device) if classes else None
    frames = []
    for leg in range(len(seeds)):
        for step in range(steps):
            point = slerp(z[leg : leg + 1], z[leg + 1 : leg + 2], step / steps)
            frames.append(to_uint8(generator(point, labels).float().cpu())[0])
    return frames


MAX_SCALE = 32  # enlargement of mixing grids and walks (nearest neighbour): a 32x32 model gives 1,024-pixel cells


def check_scale(scale: int) -> int:
    """`scale` when it is 1 to MAX_SCALE, else a one-line error (called before any image is drawn)."""
    if not 1 <= scale <= MAX_SCALE:
        raise GanforgeError(f"--scale {scale}: enlarge 1 to {MAX_SCALE} times")
    return scale


def save_gif(frames: list[np.ndarray], out: str | Path, *, scale: int = 1, milliseconds: int = 80) -> Path:
    """An endlessly looping animated GIF, written atomically."""
    out = Path(out)
    if out.suffix.lower() != ".gif":
        raise GanforgeError(f"--out {out}: interpolations are written as .gif")
    ensure_writable_dir(out.parent)
    pictures = [Image.fromarray(frame[..., 0] if frame.shape[-1] == 1 else frame) for frame in frames]
    if scale > 1:
        pictures = [p.resize((p.width * scale, p.height * scale), Image.NEAREST) for p in pictures]
    return atomic_write(out, lambda tmp: pictures[0].save(tmp, format="GIF", save_all=True,
                                                          append_images=pictures[1:], duration=milliseconds, loop=0))


def save_mix(grid: np.ndarray, out: str | Path, scale: int = 1) -> Path:
    """The mixing figure as a PNG."""
    ensure_writable_dir(Path(out).parent)
    return save_image(grid, out, scale)
