"""Pure loss functions: adversarial losses by name, and regularisers."""

from ganforge.losses.adversarial import ADVERSARIAL_LOSSES, AdversarialLoss
from ganforge.losses.regularizers import gradient_penalty, r1_penalty

__all__ = ["ADVERSARIAL_LOSSES", "AdversarialLoss", "gradient_penalty", "r1_penalty"]
