"""Mixed precision for the training step: autocast around each phase's forward pass and loss, and for
fp16 a gradient scaler whose state is checkpointed beside the objective's tensors (an exact resume).
Weights, optimiser state and checkpoints stay float32 whatever the precision.

`auto` (the default) picks bf16 where the hardware computes bfloat16 natively and the family has been
measured to reach the same quality at the same step in bf16 (Family.auto_bf16), fp32 elsewhere: a CPU
without native bfloat16 emulates it, and autocast then runs 11-14x slower than fp32. Native means a
CUDA device that supports bf16, or an x86 CPU with AMX or AVX512-BF16 (asked of PyTorch's own CPU
probe, else read from /proc/cpuinfo). `GANFORGE_NATIVE_BF16=1` or `=0` overrides the detection (tests
fake it both ways; a user whose CPU is misjudged can too).
"""

from __future__ import annotations

import functools
import os
import platform
from pathlib import Path

import torch

from ganforge.errors import GanforgeError

SCALER_PREFIX = "grad_scaler."  # the fp16 gradient scaler's state among the objective's checkpointed tensors
DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
PRECISIONS = ("auto", *DTYPES)
NATIVE_BF16_ENV = "GANFORGE_NATIVE_BF16"
_CPU_BF16_FLAGS = ("amx_bf16", "avx512_bf16")  # /proc/cpuinfo flags of native bfloat16 arithmetic on x86


@functools.cache
def cpu_bf16_feature() -> str | None:
    """The CPU feature that computes bfloat16 natively ("AMX", "AVX512-BF16"), or None."""
    probe = torch.cpu
    amx, avx = getattr(probe, "_is_amx_tile_supported", None), getattr(probe, "_is_avx512_bf16_supported", None)
    if amx is not None and avx is not None:  # PyTorch's own probe (cpuinfo), what its kernels dispatch on
        return "AMX" if amx() else "AVX512-BF16" if avx() else None
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None  # other CPUs: not measured here, so not assumed
    try:
        flags = set(next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                         if line.startswith("flags")).split(":", 1)[1].split())
    except (OSError, StopIteration):
        return None
    return "AMX" if "amx_bf16" in flags else "AVX512-BF16" if "avx512_bf16" in flags else None


def native_bf16(device: torch.device) -> tuple[bool, str]:
    """Whether `device` computes bfloat16 natively, and why (a phrase for messages and logs)."""
    forced = os.environ.get(NATIVE_BF16_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1", f"{NATIVE_BF16_ENV}={forced}"
    if device.type == "cuda":
        supported = torch.cuda.is_bf16_supported()
        return supported, f"{torch.cuda.get_device_name(device)} {'has' if supported else 'lacks'} native bf16"
    if device.type == "cpu":
        feature = cpu_bf16_feature()
        return feature is not None, f"this CPU has {feature}" if feature else "this CPU has no native bf16"
    return False, f"{device.type} is not probed for bf16"


def resolve_precision(requested: str, device: torch.device, *, family_bf16: bool, family: str = "") -> tuple[str, str]:
    """(precision used, why): `auto` becomes bf16 or fp32 (see the module doc); others stay as asked."""
    if requested != "auto":
        return requested, "asked for"
    native, why = native_bf16(device)
    if not native:
        return "fp32", f"auto: {why}"
    if not family_bf16:
        return "fp32", f"auto: {why}, but {family or 'this family'} has not been measured in bf16"
    return "bf16", f"auto: {why}"


def emulated_bf16_warning(requested: str, device: torch.device) -> str | None:
    """A one-line note when bf16 is asked for by name on a device that only emulates it (training then runs
    11-14x slower than fp32, with no other sign), else None."""
    if requested != "bf16":
        return None
    native, why = native_bf16(device)
    if native:
        return None
    return (f"note: --precision bf16 is emulated here ({why}): expect training 11-14x slower than fp32; "
            "--precision auto (the default) picks fp32 on this device")


class MixedPrecision:
    """train.precision on one device: fp32 (nothing), bf16 (autocast), fp16 (autocast + scaler, CUDA only)."""

    def __init__(self, precision: str, device: torch.device):
        if precision == "fp16" and device.type != "cuda":
            raise GanforgeError(f"--precision fp16 needs a CUDA GPU (this run is on {device.type}); use bf16 or "
                                "fp32 on this device")
        self.device_type = device.type
        self.dtype = DTYPES[precision]
        self.scaler = torch.amp.GradScaler(device.type) if precision == "fp16" else None

    def autocast(self) -> torch.autocast:
        """The context a phase's forward pass and loss run in."""
        return torch.autocast(self.device_type, dtype=self.dtype, enabled=self.dtype is not None)

    def backward(self, loss: torch.Tensor) -> None:
        """Gradients of `loss` (scaled for fp16)."""
        (loss if self.scaler is None else self.scaler.scale(loss)).backward()

    def step(self, optimizer: torch.optim.Optimizer) -> None:
        """The optimiser step; for fp16 skipped when a scaled gradient overflowed, and the scale adapted."""
        if self.scaler is None:
            optimizer.step()
        else:
            self.scaler.step(optimizer)
            self.scaler.update()

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The scaler's scale and growth count as tensors (nothing for fp32 and bf16)."""
        if self.scaler is None:
            return {}
        state = self.scaler.state_dict()
        return {SCALER_PREFIX + "scale": torch.tensor(float(state["scale"]), dtype=torch.float64),
                SCALER_PREFIX + "growth_tracker": torch.tensor(int(state["_growth_tracker"]))}

    def load_state_dict(self, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Restore the scaler from checkpointed tensors; returns the tensors that are not its own."""
        own = {key.removeprefix(SCALER_PREFIX): value for key, value in tensors.items() if key.startswith(SCALER_PREFIX)}
        if self.scaler is not None and own:
            self.scaler.load_state_dict({**self.scaler.state_dict(), "scale": float(own["scale"]),
                                         "_growth_tracker": int(own["growth_tracker"])})
        return {key: value for key, value in tensors.items() if not key.startswith(SCALER_PREFIX)}
