"""Speech from a generator trained on audio: `say` a digit as WAV files.

A SpecGAN model (a conditional DCGAN trained on spectrogram images, preset specgan-digits) draws
log-magnitude spectrograms; Griffin-Lim (utils.spectrogram) estimates their phase and makes
waveforms at the sample rate the model was trained at (recorded in its checkpoint).
"""

from __future__ import annotations

from pathlib import Path

import torch

from ganforge.apps.generate import generate, load_model
from ganforge.data.audio import bin_scale_of, write_wav
from ganforge.errors import GanforgeError
from ganforge.models.io import LoadedGenerator
from ganforge.utils.files import atomic_write, refuse_overwriting
from ganforge.utils.spectrogram import GRIFFIN_LIM_ITERATIONS, to_waveform

MAX_CLIPS = 1000  # clips one call may write


def audio_settings(loaded: LoadedGenerator) -> dict:
    """What the checkpoint records of its audio (sample rate, clip length, representation, speakers)."""
    audio = loaded.state.get("data", {}).get("audio")
    if not audio:
        raise GanforgeError(f"{loaded.source} draws images, not sound; `ganforge say` needs a model trained on audio "
                            "(ganforge train specgan-digits --data FSDD_FOLDER)")
    return audio


def speak(loaded: LoadedGenerator, digit: int, num: int, *, seed: int = 0, speaker: str | None = None,
          iterations: int = GRIFFIN_LIM_ITERATIONS) -> torch.Tensor:
    """`num` clips (num, 1, L) in [-1, 1] of the model saying `digit`."""
    audio = audio_settings(loaded)
    if speaker is not None:
        known = ", ".join(audio.get("speakers", [])) or "none recorded"
        raise GanforgeError(f"--speaker {speaker}: {loaded.source} is not conditioned on the speaker (speakers in its "
                            f"data: {known}); drop --speaker")
    classes = loaded.config.num_classes
    if not 0 <= digit < max(classes, 1):
        raise GanforgeError(f"--digit {digit}: {loaded.source} says classes 0 to {classes - 1}")
    if not 1 <= num <= MAX_CLIPS:
        raise GanforgeError(f"--num {num}: ask for 1 to {MAX_CLIPS:,} clips per call")
    if iterations < 1:
        raise GanforgeError(f"--iterations {iterations}: Griffin-Lim needs at least 1 (32 is the default)")
    images, _ = generate(loaded, num, label=digit, seed=seed)
    if audio["representation"] == "spectrogram":
        return to_waveform(images, iterations=iterations, scale=bin_scale_of(audio))
    return images.clamp(-1, 1)


def say_to_folder(out: str | Path, *, digit: int, num: int = 4, model: str | None = None,
                  checkpoint: str | Path | None = None, seed: int = 0, speaker: str | None = None,
                  iterations: int = GRIFFIN_LIM_ITERATIONS, device: str = "cpu") -> list[Path]:
    """Write `num` WAVs of `digit` into `out` as {digit}-{seed}-{index}.wav; returns their paths."""
    refuse_overwriting(out)
    loaded = load_model(model=model, checkpoint=checkpoint, device=device)
    rate = audio_settings(loaded)["sample_rate"]
    waves = speak(loaded, digit, num, seed=seed, speaker=speaker, iterations=iterations).cpu().numpy()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, wave in enumerate(waves):
        path = out / f"{digit}-{seed}-{index:03d}.wav"
        atomic_write(path, lambda tmp, wave=wave: write_wav(tmp, wave[0], rate))
        paths.append(path)
    return paths
