"""Two processes under torchrun on CPU (gloo): every family trains data-parallel with replicas that
stay bit-identical (the trainer fails the run otherwise), and the gradient averaging behind it
equals one process over the same global batch."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, TINY_TOML
from safetensors.torch import load_file
from scipy.io import wavfile

from ganforge.models import FAMILIES
from ganforge.models.io import read_state, resolve_checkpoint

PHOTO_TRAIN = "[train]\nsteps = 3\nbatch_size = 4\nsample_every = 0\nlog_every = 1\n"
def _tones() -> str:
    """A folder of two classes of short tones (WAV), for the audio family."""
    folder = Path(tempfile.mkdtemp(prefix="ganforge-tones-"))
    for label, frequency in (("low", 300), ("high", 900)):
        (folder / label).mkdir()
        for take in range(4):
            t = np.arange(3000 + 500 * take) / 8000
            wavfile.write(folder / label / f"{take}.wav", 8000, (0.3 * np.sin(2 * np.pi * frequency * t) * 32767).astype(np.int16))
    return str(folder)


def _words() -> str:
    """A small UTF-8 word list, for the text family."""
    path = Path(tempfile.mkdtemp(prefix="ganforge-words-")) / "words.txt"
    path.write_text("chat\nchien\nmaison\narbre\nsoleil\nlune\ntable\nporte\nlivre\nville\npomme\nfleur\n",
                    encoding="utf-8")
    return path.as_posix()


# the smallest config of each registered family that still runs every phase in a few steps
FAMILY_CONFIGS = {
    "dcgan": TINY_TOML,
    "stylegan2": """
family = "stylegan2"
data = "mnist-5k"
[model]
resolution = 8
z_dim = 16
w_dim = 16
channel_base = 64
channel_max = 16
[objective]
r1_gamma = 0.1
r1_interval = 2
pl_interval = 2
augment = "ada"
ada_interval = 1
ada_speed_images = 40
[preprocess]
load_size = 8
[train]
steps = 4
batch_size = 8
sample_every = 0
log_every = 1
""",
    "cyclegan": 'preset = "cyclegan-digits"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\n'
                'discriminator_width = 4\n' + PHOTO_TRAIN,
    "pix2pix": 'preset = "colourise"\ndata = "skimage-photos"\n[model]\ngenerator_width = 4\nunet_depth = 5\n'
               'discriminator_width = 4\n[preprocess]\nload_size = 48\ncrop_size = 32\n' + PHOTO_TRAIN,
    **{family: f'preset = "{family}"\n[model]\nwidth = 8\nlatent_dim = 8\n[preprocess]\nnormal = [1]\n' + PHOTO_TRAIN
       for family in ("ganomaly", "autoencoder", "deep-svdd", "fanogan")},
    "wavegan": f'preset = "wavegan-digits"\ndata = "{_tones()}"\n[model]\ngenerator_channels = [4, 4, 4, 4, 4]\n'
               'discriminator_channels = [4, 4, 4, 4, 4]\nlatent_dim = 8\nlabel_embed_dim = 4\n' + PHOTO_TRAIN,
    "srgan": 'preset = "srgan-x4"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\ndiscriminator_width = 4\n'
             '[objective]\ncontent = ""\n[preprocess]\ncrop_size = 32\n' + PHOTO_TRAIN,
    "textgan": f'preset = "french-words"\ndata = "{_words()}"\n[model]\nlength = 8\nwidth = 8\nresidual_blocks = 1\n'
               '[objective]\ncritic_steps = 2\n' + PHOTO_TRAIN,
    "musegan": 'preset = "chorales"\n[model]\ngenerator_channels = [4, 4, 4, 4]\ndiscriminator_channels = [4, 4, 4, 4]\n'
               '[objective]\ncritic_steps = 2\n' + PHOTO_TRAIN,
    "mocogan": 'preset = "moving-mnist-mocogan"\n[model]\ngenerator_channels = [4, 4, 4, 4]\n'
               'image_discriminator_channels = [4, 4, 4, 4]\nvideo_discriminator_channels = [4, 4, 4, 4]\n'
               'frames_judged = 2\n' + PHOTO_TRAIN,
}


def torchrun(*args: str, port: int) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(port),
               *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_every_family_has_a_config_here():
    assert set(FAMILY_CONFIGS) == set(FAMILIES)


@pytest.mark.slow
def test_gradient_averaging_equals_one_process_and_drift_is_caught():
    result = torchrun(str(ROOT / "tests" / "training" / "ddp_checks.py"), port=29570)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ddp checks passed" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(FAMILY_CONFIGS))
def test_two_process_run_of_every_family(family: str, tmp_path: Path):
    config = tmp_path / f"{family}.toml"
    config.write_text(FAMILY_CONFIGS[family])
    run_dir = tmp_path / "ddp"
    port = 29571 + sorted(FAMILY_CONFIGS).index(family)
    result = torchrun("-m", "ganforge", "train", str(config), "--out", str(run_dir), "--device", "cpu",
                      "--no-progress", port=port)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("finished step") == 1  # only rank 0 reports
    assert "replicas identical: True" in result.stdout  # the trainer raises when they are not
    steps = {"dcgan": 6, "stylegan2": 4}.get(family, 3)
    assert read_state(resolve_checkpoint(run_dir))["step"] == steps


@pytest.mark.slow
def test_colour_classes_count_every_process_s_pixels(tmp_path: Path):
    """Zhang et al.'s classification: the scores come through the wrapped generator (forward(x, logits=True))
    and the rebalancing counts are summed over processes, so the replicas agree."""
    config = tmp_path / "classes.toml"
    config.write_text(FAMILY_CONFIGS["pix2pix"].replace('preset = "colourise"', 'preset = "colourise-classes"'))
    result = torchrun("-m", "ganforge", "train", str(config), "--out", str(tmp_path / "ddp"), "--device", "cpu",
                      "--no-progress", port=29599)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "replicas identical: True" in result.stdout
    counts = load_file(resolve_checkpoint(tmp_path / "ddp") / "training.safetensors")["objective.cell_counts"]
    assert counts.sum() == 3 * 4 * 16 * 16  # 3 steps, global batch 4 (2 per process), 32x32 crops scored at 16x16
