"""Every `ganforge` command starts by importing every command (cli/main.py): a library that only one code path
needs is imported in that path, or every `ganforge --help` pays for it. With scipy.signal, scipy.io, scipy.linalg
and skimage.morphology imported where they are used, `python bench/speed/startup.py` measured the start at 2.78 s
against 4.46 s with them (medians of 7 alternated rounds, 2-core EPYC beside a training)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scipy.signal", "scipy.io", "scipy.linalg", "scipy.stats", "skimage", "music21", "gradio", "onnxruntime",
         "matplotlib")


def test_the_command_line_starts_without_the_heavy_libraries_it_needs_only_in_some_paths():
    probe = f"import sys, ganforge.cli.main; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"imported at start: {done.stdout.strip()}"


def test_the_paths_that_need_them_still_import_them(tmp_path):
    """The moved imports work where they are used: a WAV written and read back, resampled, a stroke measured."""
    import numpy as np

    from ganforge.data.audio import read_wav, resample, write_wav
    from ganforge.metrics.attributes import thickness

    tone = np.sin(np.arange(8000) / 8000 * 2 * np.pi * 440).astype(np.float32) * 0.5
    write_wav(tmp_path / "tone.wav", tone, 8000)
    samples, rate, channels = read_wav(tmp_path / "tone.wav")
    assert (rate, channels) == (8000, 1) and np.abs(samples - tone).max() < 1e-4
    assert len(resample(samples, 8000, 16000)) == 16000
    stroke = np.zeros((1, 28, 28, 1), np.uint8)
    stroke[0, 4:24, 12:15] = 255  # a bar three pixels wide
    assert 2.0 < thickness(stroke)[0] < 4.0
