"""French words: the text GAN against two non-GAN baselines trained on the same words (docs/text.md).

    python bench/quality/text_quality.py --checkpoint runs/french-words [--num 10000] [--seed 0] [--gru-epochs 3]

Baselines, trained here on the training part of wfrench (words of up to 16 characters; the held-out tenth is
never seen): a character 4-gram model (three characters of context, from the start of the word; sampling backs
off to a shorter context where a context was never seen, "stupid backoff" without discounting), and a
character GRU language model (embedding 32, one GRU layer of 256, cross-entropy on the next character, Adam
2e-3, batch 256, --gru-epochs passes), each sampled at temperature 1. The GAN (`ganforge write`) is measured at
temperature 0 (its default: the most likely character at each place) and 1 (drawn from its distributions).
Every model writes --num words; ganforge.metrics.text measures them against the whole list (real), the
training part (new) and the held-out part (JS-4, lengths). The held-out words themselves, measured the same
way (a sample of --num), give the ceiling. Prints a Markdown table and a few words of each.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict

import numpy as np
import torch
from torch import nn

from ganforge.apps.text import load_text_model, write_words
from ganforge.data.words import load_words, read_word_list
from ganforge.metrics.text import word_metrics

START, END = "^", "$"
ORDER = 4


class NGram:
    """Character n-gram model with backoff sampling."""

    def __init__(self, words: list[str], order: int = ORDER):
        self.order = order
        self.counts: list[dict[str, Counter]] = [defaultdict(Counter) for _ in range(order)]
        for word in words:
            framed = START * (order - 1) + word + END
            for i in range(order - 1, len(framed)):
                for context_length in range(order):
                    self.counts[context_length][framed[i - context_length : i]][framed[i]] += 1

    def sample(self, rng: random.Random, max_length: int = 16) -> str:
        history, word = START * (self.order - 1), ""
        while len(word) < max_length:
            for context_length in range(self.order - 1, -1, -1):
                options = self.counts[context_length].get(history[len(history) - context_length :] if context_length
                                                          else "")
                if options:
                    break
            chars, weights = zip(*options.items())
            char = rng.choices(chars, weights)[0]
            if char == END:
                break
            word += char
            history += char
        return word


class CharGRU(nn.Module):
    """Next-character language model."""

    def __init__(self, vocabulary: int):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, 32)
        self.gru = nn.GRU(32, 256, batch_first=True)
        self.out = nn.Linear(256, vocabulary)

    def forward(self, codes: torch.Tensor, state=None):
        output, state = self.gru(self.embed(codes), state)
        return self.out(output), state


def train_gru(words: list[str], alphabet: str, epochs: int, seed: int) -> CharGRU:
    """The GRU on ^word$ sequences (index 0 = end/padding, 1 = start)."""
    torch.manual_seed(seed)
    symbols = {char: index + 2 for index, char in enumerate(alphabet)}
    length = max(map(len, words)) + 2
    codes = torch.zeros(len(words), length, dtype=torch.long)
    for row, word in enumerate(words):
        codes[row, 0] = 1
        codes[row, 1 : len(word) + 1] = torch.tensor([symbols[char] for char in word])
    model = CharGRU(len(alphabet) + 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(words), generator=generator)
        for start in range(0, len(words), 256):
            batch = codes[order[start : start + 256]]
            logits, _ = model(batch[:, :-1])
            targets = batch[:, 1:]
            # every position up to and including the first end (0) counts; padding after it does not
            seen = torch.cumsum((targets == 0).long(), dim=1)
            mask = (seen == 0) | ((seen == 1) & (targets == 0))
            loss = nn.functional.cross_entropy(logits[mask], targets[mask])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.symbols = alphabet
    return model.eval()


@torch.no_grad()
def sample_gru(model: CharGRU, count: int, seed: int, max_length: int = 16) -> list[str]:
    generator = torch.Generator().manual_seed(seed)
    codes = torch.ones(count, 1, dtype=torch.long)
    state, words, done = None, [""] * count, torch.zeros(count, dtype=torch.bool)
    for _ in range(max_length + 1):
        logits, state = model(codes[:, -1:], state)
        nxt = torch.multinomial(torch.softmax(logits[:, -1], dim=1), 1, generator=generator)[:, 0]
        for row in torch.nonzero(~done).flatten().tolist():
            code = int(nxt[row])
            if code == 0 or len(words[row]) == max_length:
                done[row] = True
            elif code >= 2:
                words[row] += model.symbols[code - 2]
        codes = torch.cat([codes, nxt[:, None]], dim=1)
        if done.all():
            break
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="a french-words run (default: the shipped model)")
    parser.add_argument("--num", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gru-epochs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    train, heldout = load_words("wfrench", "train"), load_words("wfrench", "heldout")
    training_words, heldout_words = train.words(), heldout.words()
    vocabulary, training = set(read_word_list("wfrench")), set(training_words)
    print(f"wfrench: {len(vocabulary):,} words; training {len(training_words):,}, held out {len(heldout_words):,} "
          f"(up to 16 characters); {args.num:,} words per model, seed {args.seed}")
    loaded = load_text_model(checkpoint=args.checkpoint) if args.checkpoint else load_text_model(model="french-words")
    samples = {
        f"GAN (textgan, step {loaded.state['step']}), temperature 0": write_words(loaded, args.num, seed=args.seed),
        f"GAN (textgan, step {loaded.state['step']}), temperature 1": write_words(loaded, args.num, seed=args.seed,
                                                                                 temperature=1.0),
    }
    ngram, rng = NGram(training_words), random.Random(args.seed)
    samples["character 4-gram (backoff)"] = [ngram.sample(rng) for _ in range(args.num)]
    gru_started = time.perf_counter()
    gru = train_gru(training_words, train.alphabet[1:], args.gru_epochs, args.seed)
    samples[f"character GRU language model ({args.gru_epochs} epochs)"] = sample_gru(gru, args.num, args.seed)
    gru_seconds = time.perf_counter() - gru_started
    samples["held-out real words (the ceiling)"] = list(np.random.default_rng(args.seed).choice(
        heldout_words, args.num, replace=False))
    print("\n| model | real words | new among real | real and new | JS-4 to held-out | distinct | mean length "
          "| length JS |")
    print("|---|---|---|---|---|---|---|---|")
    for name, words in samples.items():
        m = word_metrics(words, vocabulary=vocabulary, training=training, heldout=heldout_words)
        print(f"| {name} | {m['real']:.1%} | {m['new_among_real']:.1%} | {m['real_and_new']:.1%} | {m['js4']:.3f} | "
              f"{m['distinct']:.1%} | {m['mean_length']:.2f} | {m['length_js']:.3f} |")
    print()
    for name, words in samples.items():
        print(f"{name}: {' '.join(words[:12])}")
    print(f"\n(GRU trained in {gru_seconds:.0f} s; {time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
