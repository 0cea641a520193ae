"""Writing words with a text model (`ganforge write`): a shipped model or a checkpoint of the textgan
family (`ganforge train french-words`). Its words are read off the generator's character distributions:
the most likely character at each position (temperature 0, the default), or drawn from them sharpened by
a temperature; each word ends at its first end symbol."""

from __future__ import annotations

from pathlib import Path

import torch

from ganforge.apps.generate import load_model_for
from ganforge.data.words import decode
from ganforge.errors import GanforgeError
from ganforge.models.io import LoadedGenerator
from ganforge.models.textgan import sample_codes
from ganforge.utils.files import atomic_write_text

MAX_WORDS = 1_000_000  # a request above this is refused (a word is about 16 x 45 floats while drawn)
CHUNK = 4096  # words drawn at a time, so memory stays bounded whatever --num


def load_text_model(*, model: str | None = None, checkpoint: str | Path | None = None,
                    device: str = "cpu") -> LoadedGenerator:
    """The generator of a text model (a shipped name or a checkpoint); any other model is refused in one line."""
    return load_model_for("write", "`ganforge write` takes a model trained on words (--model french-words, or "
                              "`ganforge train french-words`)", model=model, checkpoint=checkpoint, device=device)


def check_count(num: int) -> None:
    """--num: 1 to MAX_WORDS."""
    if not 1 <= num <= MAX_WORDS:
        raise GanforgeError(f"--num {num}: ask for 1 to {MAX_WORDS:,} words")


def check_temperature(temperature: float) -> None:
    """--temperature: 0 (most likely characters) or a finite positive number."""
    if not (temperature == 0 or 0 < temperature < float("inf")):
        raise GanforgeError(f"--temperature {temperature}: give 0 (the most likely character at each place, the "
                            "default) or a positive number (1 draws from the generator's own distributions)")


@torch.no_grad()
def write_words(loaded: LoadedGenerator, num: int, *, seed: int = 0, temperature: float = 0.0) -> list[str]:
    """`num` words from noise seeded by `seed` (the same seed, the same words)."""
    check_count(num)
    check_temperature(temperature)
    generator = loaded.generator
    device = next(generator.parameters()).device
    rng = torch.Generator().manual_seed(seed)
    words: list[str] = []
    for start in range(0, num, CHUNK):
        count = min(CHUNK, num - start)
        distributions = generator(generator.sample_latent(count, generator=rng).to(device)).float().cpu()
        words += decode(sample_codes(distributions, temperature, rng), loaded.config.alphabet)
    return words


def save_words(words: list[str], out: str | Path) -> Path:
    """One word per line, written atomically."""
    path = Path(out)
    atomic_write_text(path, "".join(word + "\n" for word in words))
    return path
