"""Mixed precision for the training step: autocast around each phase's forward pass and loss, and for
fp16 a gradient scaler whose state is checkpointed beside the objective's tensors (an exact resume).
Weights, optimiser state and checkpoints stay float32 whatever the precision."""

from __future__ import annotations

import torch

from ganforge.errors import GanforgeError

SCALER_PREFIX = "grad_scaler."  # the fp16 gradient scaler's state among the objective's checkpointed tensors
DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


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
