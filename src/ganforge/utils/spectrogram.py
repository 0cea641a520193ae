"""Waveforms <-> SpecGAN's log-magnitude spectrogram images (Donahue et al. 2019), with torch.stft.

Forward: a Hann-windowed STFT of 256 samples every 128 (16 ms hops at 16 kHz), |STFT| in decibels
floored at -80 dB, mapped linearly from [-80, +20] dB to [-1, 1] (clipped: louder than +20 dB is
rare in 16-bit speech scaled to [-1, 1]); the Nyquist bin and the last frame are dropped, so 16,384
samples give a 1 x 128 x 128 image, low frequencies at the top row.
Back: the magnitude is restored (the dropped bin and frame at the floor) and a phase is estimated by
Griffin-Lim with momentum ("fast Griffin-Lim", Perraudin et al. 2013, momentum 0.99), `iterations`
rounds of istft / stft; the phase it finds is approximate, so the audio has the familiar metallic,
phasey quality of Griffin-Lim (SpecGAN's samples have it too).
"""

from __future__ import annotations

import torch
from torch import Tensor

N_FFT = 256
HOP = 128
FLOOR_DB, TOP_DB = -80.0, 20.0
GRIFFIN_LIM_ITERATIONS = 32


def _window(device: torch.device) -> Tensor:
    return torch.hann_window(N_FFT, device=device)


def to_spectrogram(waves: Tensor) -> Tensor:
    """Waveforms (B, 1, L) or (B, L) -> images (B, 1, N_FFT/2, L/HOP) in [-1, 1]."""
    waves = waves.reshape(waves.shape[0], -1)
    stft = torch.stft(waves, N_FFT, HOP, window=_window(waves.device), return_complex=True)
    decibels = 20 * torch.log10(stft.abs().clamp_min(10 ** (FLOOR_DB / 20)))
    image = (decibels - (FLOOR_DB + TOP_DB) / 2) / ((TOP_DB - FLOOR_DB) / 2)
    return image.clamp(-1, 1)[:, None, :-1, :-1]


def to_magnitude(images: Tensor) -> Tensor:
    """Images (B, 1, F, T) in [-1, 1] -> |STFT| (B, F + 1, T + 1), the dropped bin and frame at the floor."""
    decibels = images[:, 0].clamp(-1, 1) * ((TOP_DB - FLOOR_DB) / 2) + (FLOOR_DB + TOP_DB) / 2
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


def to_waveform(images: Tensor, *, iterations: int = GRIFFIN_LIM_ITERATIONS) -> Tensor:
    """Spectrogram images (B, 1, F, T) in [-1, 1] -> waveforms (B, 1, T x HOP) in [-1, 1]."""
    length = images.shape[-1] * HOP
    wave = griffin_lim(to_magnitude(images.float()), length, iterations=iterations)
    return wave.clamp(-1, 1)[:, None]
