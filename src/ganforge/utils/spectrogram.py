"""Waveforms <-> SpecGAN's log-magnitude spectrogram images (Donahue et al. 2019), with torch.stft.

Forward: a Hann-windowed STFT of 256 samples every 128 (16 ms hops at 16 kHz), |STFT| in decibels
floored at -80 dB, mapped to [-1, 1] in one of two ways: linearly from [-80, +20] dB (clipped: louder
than +20 dB is rare in 16-bit speech scaled to [-1, 1]), or, given a BinScale, as the SpecGAN paper
does: each frequency bin standardised by the mean and standard deviation of its decibels over the
training clips, clipped at 3 standard deviations and divided by 3, so that quiet bins count as much
as loud ones. The Nyquist bin and the last frame are dropped, so 16,384 samples give a 1 x 128 x 128
image, low frequencies at the top row.
Back: the magnitude is restored (the dropped bin and frame at the floor) and a phase is estimated by
Griffin-Lim with momentum ("fast Griffin-Lim", Perraudin et al. 2013, momentum 0.99), `iterations`
rounds of istft / stft; the phase it finds is approximate, so the audio has the familiar metallic,
phasey quality of Griffin-Lim (SpecGAN's samples have it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

N_FFT = 256
HOP = 128
FLOOR_DB, TOP_DB = -80.0, 20.0
GRIFFIN_LIM_ITERATIONS = 32


def _window(device: torch.device) -> Tensor:
    return torch.hann_window(N_FFT, device=device)


MIN_BIN_STD_DB = 1.0  # a bin that barely varies (above 4 kHz in upsampled 8 kHz audio) is scaled as if by 1 dB
CLIP_STDS = 3.0


@dataclass(frozen=True)
class BinScale:
    """Per-frequency-bin mean and standard deviation of the training clips' decibels (N_FFT/2 each)."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    @classmethod
    def measure(cls, waves: Tensor, batch_size: int = 256) -> BinScale:
        """The scale of a set of waveforms (N, 1, L) or (N, L), over all their frames."""
        total = squares = 0.0
        frames = 0
        for start in range(0, waves.shape[0], batch_size):
            decibels = to_decibels(waves[start:start + batch_size]).double()  # (B, F, T)
            total = total + decibels.sum(dim=(0, 2))
            squares = squares + (decibels**2).sum(dim=(0, 2))
            frames += decibels.shape[0] * decibels.shape[2]
        mean = total / frames
        std = (squares / frames - mean**2).clamp_min(0).sqrt().clamp_min(MIN_BIN_STD_DB)
        return cls(tuple(mean.tolist()), tuple(std.tolist()))

    @classmethod
    def from_lists(cls, mean: Sequence[float], std: Sequence[float]) -> BinScale:
        """From what a checkpoint records."""
        if len(mean) != N_FFT // 2 or len(std) != N_FFT // 2:
            raise ValueError(f"a bin scale needs {N_FFT // 2} means and standard deviations")
        return cls(tuple(float(m) for m in mean), tuple(float(s) for s in std))

    def _columns(self, like: Tensor) -> tuple[Tensor, Tensor]:
        as_column = (lambda values: torch.tensor(values, dtype=like.dtype, device=like.device)[:, None])
        return as_column(self.mean), as_column(self.std)


def to_decibels(waves: Tensor) -> Tensor:
    """Waveforms (B, 1, L) or (B, L) -> |STFT| in dB (B, N_FFT/2, L/HOP), floored at FLOOR_DB."""
    waves = waves.reshape(waves.shape[0], -1)
    stft = torch.stft(waves, N_FFT, HOP, window=_window(waves.device), return_complex=True)
    return 20 * torch.log10(stft.abs().clamp_min(10 ** (FLOOR_DB / 20)))[:, :-1, :-1]


def to_spectrogram(waves: Tensor, scale: BinScale | None = None) -> Tensor:
    """Waveforms (B, 1, L) or (B, L) -> images (B, 1, N_FFT/2, L/HOP) in [-1, 1] (scaled per bin by `scale`)."""
    decibels = to_decibels(waves)
    if scale is None:
        image = (decibels - (FLOOR_DB + TOP_DB) / 2) / ((TOP_DB - FLOOR_DB) / 2)
    else:
        mean, std = scale._columns(decibels)
        image = (decibels - mean) / (std * CLIP_STDS)
    return image.clamp(-1, 1)[:, None]


def to_magnitude(images: Tensor, scale: BinScale | None = None) -> Tensor:
    """Images (B, 1, F, T) in [-1, 1] -> |STFT| (B, F + 1, T + 1), the dropped bin and frame at the floor."""
    images = images[:, 0].clamp(-1, 1)
    if scale is None:
        decibels = images * ((TOP_DB - FLOOR_DB) / 2) + (FLOOR_DB + TOP_DB) / 2
    else:
        mean, std = scale._columns(images)
        decibels = (images * std * CLIP_STDS + mean).clamp_min(FLOOR_DB)
    decibels = torch.nn.functional.pad(decibels, (0, 1, 0, 1), value=FLOOR_DB)
    return 10 ** (decibels / 20)


def griffin_lim(magnitude: Tensor, length: int, *, iterations: int = GRIFFIN_LIM_ITERATIONS,
                momentum: float = 0.99, seed: int = 0) -> Tensor:
    """Waveforms (B, length) whose STFT magnitude approaches `magnitude` (B, F, T)."""
    window = _window(magnitude.device)
    generator = torch.Generator().manual_seed(seed)
    angles = torch.exp(2j * torch.pi * torch.rand(magnitude.shape, generator=generator)).to(magnitude.device)
    previous = torch.zeros_like(angles)
    for _ in range(iterations):
        wave = torch.istft(magnitude * angles, N_FFT, HOP, window=window, length=length)
        rebuilt = torch.stft(wave, N_FFT, HOP, window=window, return_complex=True)
        accelerated = rebuilt - momentum / (1 + momentum) * previous
        angles = accelerated / accelerated.abs().clamp_min(1e-16)
        previous = rebuilt
    return torch.istft(magnitude * angles, N_FFT, HOP, window=window, length=length)


def to_waveform(images: Tensor, *, iterations: int = GRIFFIN_LIM_ITERATIONS, scale: BinScale | None = None) -> Tensor:
    """Spectrogram images (B, 1, F, T) in [-1, 1] (made with `scale`) -> waveforms (B, 1, T x HOP) in [-1, 1]."""
    length = images.shape[-1] * HOP
    wave = griffin_lim(to_magnitude(images.float(), scale), length, iterations=iterations)
    return wave.clamp(-1, 1)[:, None]
