"""`ganforge export --int8`: convolution and dense weights stored as int8 with a scale per row, read back
as float32 by every loader (ganforge.models.io.read_tensors)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from ganforge.errors import GanforgeError
from ganforge.models.export import export_generator
from ganforge.models.io import INT8_SCALE, MODEL_FILE, STATE_FILE, load_network, quantise_int8, read_tensors
from ganforge.models.pretrained import WEIGHTS_DIR


def test_int8_rows_round_trip_within_half_a_step_and_small_tensors_stay_float():
    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(16, 8, 3, 3, generator=generator) * torch.linspace(0.01, 3, 16).view(-1, 1, 1, 1)
    tensors = {"conv.weight": weight, "conv.bias": torch.randn(16), "norm.running_mean": torch.randn(8, 4),
               "steps": torch.tensor(7)}
    stored = quantise_int8(tensors)
    assert stored["conv.weight"].dtype == torch.int8 and stored["conv.weight" + INT8_SCALE].shape == (16,)
    # the largest magnitude of each row maps to +-127: every row uses the full range, whatever its scale
    assert (stored["conv.weight"].abs().amax(dim=(1, 2, 3)) == 127).all()
    assert stored["conv.bias"].dtype == torch.float16 and stored["norm.running_mean"].dtype == torch.float16
    assert stored["steps"].dtype == torch.int64
    back = read_tensors_of(stored)
    step = weight.abs().amax(dim=(1, 2, 3)) / 127
    assert ((back["conv.weight"] - weight).abs() <= step.view(-1, 1, 1, 1) / 2 + 1e-6).all()
    assert set(back) == set(tensors) and back["conv.weight"].dtype == torch.float32


def read_tensors_of(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """read_tensors of a file holding `tensors`."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / MODEL_FILE
        save_file(tensors, str(path))
        return read_tensors(path)


def test_a_scale_without_its_int8_tensor_is_a_damaged_file(tmp_path: Path):
    path = tmp_path / MODEL_FILE
    save_file({"conv.weight": torch.zeros(4, 4), "conv.weight" + INT8_SCALE: torch.ones(4)}, str(path))
    with pytest.raises(GanforgeError, match="damaged"):
        read_tensors(path)


def test_every_shipped_file_is_under_5_mb():
    sizes = {path.relative_to(WEIGHTS_DIR): path.stat().st_size for path in WEIGHTS_DIR.rglob("*") if path.is_file()}
    assert sizes and not {path: size for path, size in sizes.items() if size >= 5e6}


def test_a_shipped_float_model_exported_int8_draws_the_same_faces(tmp_path: Path):
    shipped = WEIGHTS_DIR / "faces-cgan"  # float32, a DCGAN conditioned on sex
    out = export_generator(shipped, tmp_path / "small", int8=True)
    assert out.stat().st_size < 0.3 * (shipped / MODEL_FILE).stat().st_size
    state = json.loads((tmp_path / "small" / STATE_FILE).read_text())
    assert state["weights_dtype"] == "int8"
    assert state["exported_from"] == json.loads((shipped / STATE_FILE).read_text())["exported_from"]
    full, small = load_network(shipped), load_network(tmp_path / "small")
    z = full.generator.sample_latent(16, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(16) % 2
    with torch.no_grad():
        a, b = full.generator(z, labels), small.generator(z, labels)
    # faces in [-1, 1]: int8 moves them by under 1 % of the range on average, and never past a visible step
    assert (a - b).abs().mean() < 0.02 and (a - b).abs().max() < 0.3 and a.abs().mean() > 0.2


def test_int8_export_of_a_run_samples_like_the_float_one(tmp_path: Path):
    from ganforge.training import train

    (tmp_path / "tiny.toml").write_text('preset = "mnist-gan"\n[model]\ngenerator_channels = [32, 16]\n'
                                        "discriminator_channels = [8, 16]\n[train]\nsteps = 2\nbatch_size = 8\n")
    train(str(tmp_path / "tiny.toml"), out=tmp_path / "run", device="cpu", progress=False, seed=0)
    export_generator(tmp_path / "run", tmp_path / "full")
    export_generator(tmp_path / "run", tmp_path / "small", int8=True)
    assert (tmp_path / "small" / MODEL_FILE).stat().st_size < 0.4 * (tmp_path / "full" / MODEL_FILE).stat().st_size
    full, small = load_network(tmp_path / "full"), load_network(tmp_path / "small")
    z = full.generator.sample_latent(16, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        a, b = full.generator(z, None).numpy(), small.generator(z, None).numpy()
    # within 3 % of the output's own size, and not the same numbers: the int8 weights were read, not float ones
    assert np.abs(a - b).mean() < 0.03 * np.abs(a).mean() and (a != b).any()
