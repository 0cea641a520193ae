"""ONNX export: every generator family's graph gives PyTorch's output (within 1e-4) in onnxruntime,
with a dynamic batch, and a dynamic image size for translation models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import torch
from scipy.io import wavfile

from ganforge.errors import GanforgeError
from ganforge.models.io import load_network
from ganforge.models.onnx import TOLERANCE, export_onnx
from ganforge.models.stylegan2 import modulated_conv2d
from ganforge.training import train

ONE_STEP = "[train]\nsteps = 1\nbatch_size = 2\nsample_every = 0\n"
TINY = {
    "dcgan": 'preset = "mnist-cgan"\n[model]\ngenerator_channels = [8, 4]\ndiscriminator_channels = [4, 8]\n'
             "latent_dim = 8\nlabel_embed_dim = 4\n",
    "stylegan2": 'family = "stylegan2"\ndata = "mnist-5k"\n[model]\nresolution = 8\nz_dim = 8\nw_dim = 8\n'
                 "mapping_layers = 1\nchannel_base = 32\nchannel_max = 8\n[preprocess]\nload_size = 8\n",
    "cyclegan": 'preset = "cyclegan-digits"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\n'
                "discriminator_width = 4\n",
    "pix2pix": 'preset = "complete"\n[model]\ngenerator_width = 4\nunet_depth = 3\ndiscriminator_width = 4\n'
               "[preprocess]\ncrop_size = 32\n",
    "srgan": 'preset = "srresnet-x4"\n[model]\ngenerator_width = 4\nresidual_blocks = 1\n[preprocess]\ncrop_size = 32\n',
    "wavegan": 'preset = "wavegan-digits"\n[model]\ngenerator_channels = [4, 4, 4, 4, 4]\n'
               "discriminator_channels = [4, 4, 4, 4, 4]\nlatent_dim = 8\nlabel_embed_dim = 4\n",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("onnx")
    audio = root / "audio"
    for label, frequency in (("low", 300), ("high", 900)):
        (audio / label).mkdir(parents=True)
        t = np.arange(4000) / 8000
        wavfile.write(audio / label / "0.wav", 8000, (0.3 * np.sin(2 * np.pi * frequency * t) * 32767).astype(np.int16))
    out = {}
    for family, toml in TINY.items():
        (root / f"{family}.toml").write_text(toml + ONE_STEP)
        data = str(audio) if family == "wavegan" else None
        train(str(root / f"{family}.toml"), data=data, out=root / family, device="cpu", progress=False, seed=0)
        out[family] = root / family
    return out


@pytest.mark.parametrize("family", sorted(TINY))
def test_every_generator_family_exports_and_matches_pytorch(runs, family, tmp_path):
    written = export_onnx(runs[family], tmp_path / "onnx")
    described = json.loads((tmp_path / "onnx" / "onnx.json").read_text())
    assert described["family"] == family and {p.name for p in written} == set(described["graphs"])
    for path in written:
        entry = described["graphs"][path.name]
        assert entry["max_abs_difference_vs_pytorch"] <= TOLERANCE
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        feeds = {}
        for name, shape in entry["example_shapes"].items():  # batch 5, and twice the size for images
            shape = [5, *shape[1:]]
            if name == "images":
                shape[2:] = [2 * side for side in shape[2:]]
            feeds[name] = (np.arange(5) % 2).astype(np.int64) if name == "labels" else \
                np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
        output = session.run(None, feeds)[0]
        assert output.shape[0] == 5 and np.isfinite(output).all()


def test_translation_graphs_match_pytorch_at_another_size(runs, tmp_path):
    (path,) = export_onnx(runs["srgan"], tmp_path / "sr")
    network = load_network(runs["srgan"]).generator.eval()
    images = torch.rand(1, 3, 48, 40) * 2 - 1
    with torch.no_grad():
        expected = network(images).numpy()
    got = onnxruntime.InferenceSession(str(path)).run(None, {"images": images.numpy()})[0]
    assert got.shape == (1, 3, 192, 160) and np.abs(got - expected).max() <= TOLERANCE


def test_modulation_on_activations_is_the_fused_convolution():
    x, weight, styles = torch.randn(3, 8, 6, 6), torch.randn(5, 8, 3, 3), torch.rand(3, 8) + 0.5
    for demodulate in (True, False):
        fused = modulated_conv2d(x, weight, styles, demodulate, fused=True)
        assert torch.allclose(fused, modulated_conv2d(x, weight, styles, demodulate, fused=False), atol=1e-5)


def test_anomaly_detectors_have_no_onnx_path_yet(tmp_path):
    (tmp_path / "a.toml").write_text('preset = "autoencoder"\n[model]\nwidth = 4\nlatent_dim = 4\n' + ONE_STEP)
    train(str(tmp_path / "a.toml"), out=tmp_path / "a", device="cpu", progress=False, seed=0)
    with pytest.raises(GanforgeError, match="anomaly detector"):
        export_onnx(tmp_path / "a", tmp_path / "out")
    assert not (tmp_path / "out").exists()
