"""Animating with a video model (`ganforge animate`): a shipped model or a checkpoint of the mocogan family
(`ganforge train moving-mnist`). Each clip is written as an animated GIF (frames enlarged, looping) and all
of them as one .npz of uint8 frames (N, T, H, W, C).

A clip's noise is two parts (models/mocogan.py): what it shows (content) and how it moves (motion). They are
drawn from two seeds: clip k takes the k-th content vector of the content seed and the k-th motion vector of
the motion seed, so one content seed with several motion seeds moves the same digits in different ways, and
one motion seed with several content seeds moves different digits the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ganforge.apps.generate import load_model_for
from ganforge.apps.style import save_gif as save_walk_gif
from ganforge.errors import GanforgeError
from ganforge.models.io import LoadedGenerator
from ganforge.utils.files import atomic_write, ensure_writable_dir
from ganforge.utils.images import to_uint8

MAX_CLIPS = 1000  # per command
GIF_MILLISECONDS = 100  # per frame: 10 frames a second


def load_video_model(*, model: str | None = None, checkpoint: str | Path | None = None,
                     device: str = "cpu") -> LoadedGenerator:
    """The generator of a video model; any other model is refused in one line."""
    return load_model_for("animate", "`ganforge animate` takes a model trained on clips (--model moving-mnist, or "
                              "`ganforge train moving-mnist`)", model=model, checkpoint=checkpoint, device=device)


def check_count(num: int) -> None:
    """--num: 1 to MAX_CLIPS."""
    if not 1 <= num <= MAX_CLIPS:
        raise GanforgeError(f"--num {num}: ask for 1 to {MAX_CLIPS} clips")


def clip_latents(loaded: LoadedGenerator, num: int, content_seed: int, motion_seed: int) -> torch.Tensor:
    """Noise (num, latent_dim): the content part from `content_seed`, the motion part from `motion_seed`
    (each the same whatever the other is)."""
    generator = loaded.generator
    content = generator.split_latent(generator.sample_latent(num, generator=torch.Generator().manual_seed(content_seed)))[0]
    motion = generator.split_latent(generator.sample_latent(num, generator=torch.Generator().manual_seed(motion_seed)))[1]
    return torch.cat([content, motion], 1)


@torch.no_grad()
def animate(loaded: LoadedGenerator, num: int, *, content_seed: int = 0, motion_seed: int | None = None) -> np.ndarray:
    """`num` clips as uint8 (num, T, H, W, C); the motion seed defaults to the content seed."""
    check_count(num)
    generator = loaded.generator.eval()
    device = next(generator.parameters()).device
    latents = clip_latents(loaded, num, content_seed, content_seed if motion_seed is None else motion_seed)
    clips = [generator(latents[start : start + 64].to(device)).float().cpu() for start in range(0, num, 64)]
    clips = torch.cat(clips).transpose(1, 2)  # (N, T, C, H, W)
    frames = to_uint8(clips.reshape(-1, *clips.shape[2:]))
    return frames.reshape(num, clips.shape[1], *frames.shape[1:])


@torch.no_grad()
def independent_frames(loaded: LoadedGenerator, num: int, *, seed: int = 0) -> np.ndarray:
    """The baseline without a motion model: `num` clips whose every frame comes from its own noise (content
    and motion drawn anew), uint8 (num, T, H, W, C)."""
    check_count(num)
    generator = loaded.generator.eval()
    frames_per_clip = generator.config.frames
    latents = generator.sample_latent(num * frames_per_clip, generator=torch.Generator().manual_seed(seed))
    device = next(generator.parameters()).device
    pictures = []
    for start in range(0, len(latents), 64):
        clips = generator(latents[start : start + 64].to(device)).float().cpu()
        pictures.append(clips[:, :, 0])  # each noise vector's first frame
    frames = to_uint8(torch.cat(pictures))
    return frames.reshape(num, frames_per_clip, *frames.shape[1:])


MAX_SCALE = 16  # enlargement of the GIFs' frames


def check_scale(scale: int) -> None:
    """--scale: 1 to MAX_SCALE."""
    if not 1 <= scale <= MAX_SCALE:
        raise GanforgeError(f"--scale {scale}: enlarge 1 to {MAX_SCALE} times")


def output_names(num: int) -> list[str]:
    """The files save_clips writes for `num` clips."""
    return [f"clip-{k:03d}.gif" for k in range(num)] + ["clips.npz"]


def save_gif(frames: np.ndarray, path: Path, scale: int = 4) -> Path:
    """uint8 (T, H, W, C) as a looping GIF, each frame enlarged `scale` times (nearest), atomically: the walk
    GIF writer of apps/style at a clip's pace."""
    return save_walk_gif(list(frames), path, scale=scale, milliseconds=GIF_MILLISECONDS)


def save_clips(clips: np.ndarray, out: str | Path, scale: int = 4) -> list[Path]:
    """Each clip as clip-NNN.gif and all of them as clips.npz (`frames`: uint8 (N, T, H, W, C)) in `out`."""
    out = ensure_writable_dir(out)
    written = [save_gif(clip, out / f"clip-{k:03d}.gif", scale) for k, clip in enumerate(clips)]

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:  # a handle: numpy would add .npz to the temporary file's name
            np.savez_compressed(handle, frames=clips)

    written.append(atomic_write(out / "clips.npz", write))
    return written
