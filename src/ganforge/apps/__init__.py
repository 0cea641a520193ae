"""What users do with trained models. Apps load models through ganforge.models and never import training."""

from ganforge.apps.generate import generate, sample_to_file

__all__ = ["generate", "sample_to_file"]
