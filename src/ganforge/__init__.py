"""ganforge: generative adversarial networks that train on a CPU and tell the truth about themselves."""

__version__ = "0.1.0"
