"""How strongly each part of a conditional GAN's generator loss pulls on the generator: the gradient
norm over the generator's weights of the adversarial term and of the AC-GAN class term, at one
checkpoint (a run trained with model.auxiliary_classifier = true).

    python bench/quality/class_gradients.py runs/specgan-ac-w1/checkpoints/step-00000500 [--batch 64] [--seed 0]

docs/speech.md: at step 500 of a SpecGAN run with classifier_weight 1 the adversarial term's
gradient was 21 times the class term's, which is why the speech presets weight the class term 10.
"""

from __future__ import annotations

import argparse

import torch
import torch.nn.functional as F

from ganforge.models.io import load_network


def gradient_norm(generator: torch.nn.Module, loss: torch.Tensor) -> float:
    """L2 norm over all the generator's weights of d loss / d weights."""
    generator.zero_grad()
    loss.backward(retain_graph=True)
    return float(torch.sqrt(sum((p.grad**2).sum() for p in generator.parameters() if p.grad is not None)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generator = load_network(args.checkpoint, "generator", use_ema=False).generator.train()
    discriminator = load_network(args.checkpoint, "discriminator").generator.train()
    torch.manual_seed(args.seed)
    labels = torch.randint(0, generator.config.num_classes, (args.batch,))
    logits, classes = discriminator(generator(generator.sample_latent(args.batch), labels), labels, with_classes=True)
    adversarial = gradient_norm(generator, -logits.mean())  # the WGAN generator loss
    classification = gradient_norm(generator, F.cross_entropy(classes, labels))
    print(f"gradient norm on the generator: adversarial {adversarial:.2f}, class {classification:.2f} "
          f"(ratio {adversarial / classification:.1f})")


if __name__ == "__main__":
    main()
