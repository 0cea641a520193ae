"""Word lists for text GANs: `wfrench` (Debian's list of 346,205 real French words, inflections
included, installed with `apt-get install wfrench` as /usr/share/dict/french), or any UTF-8 file of one
word per line (`--data path/to/words.txt`).

Each word is a sequence of characters padded to a fixed length with the end symbol (index 0 of the
alphabet, shown as nothing); the networks see a batch as one-hot (B, V, L) floats, V the alphabet's
size with the end symbol, L the model's length. Words are lower-cased; a word longer than the length,
or holding a space, is left out (said in one line: 1.1 % of wfrench at 16 characters). The alphabet is
every character the whole list uses, so the held-out words share it.

The held-out split is fixed by a rule on the word alone: the first 8 hex digits of the SHA-1 of its
UTF-8 bytes, read as a number, mod 10 == 0 are held out (about 10 %), the rest train. Metrics of
generated words (ganforge.metrics.text) compare with the held-out part and check newness against the
training part.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from ganforge.data.base import ImageSource
from ganforge.errors import GanforgeError

WFRENCH = Path("/usr/share/dict/french")  # Debian's wfrench
NAMES = {"wfrench": WFRENCH}
END = "\0"  # the end symbol: index 0 of every alphabet, padding each word to the length
MAX_WORD_FILE = 64 << 20  # bytes: a word list larger than this is refused before reading


def is_word_spec(spec: str | Path) -> bool:
    """Whether `spec` names a word list: a known name, or a .txt / .dic file, or any file (not a folder)."""
    return str(spec) in NAMES or Path(spec).expanduser().is_file()


def heldout(word: str) -> bool:
    """Whether `word` belongs to the fixed held-out tenth (see the module doc)."""
    return int(hashlib.sha1(word.encode("utf-8")).hexdigest()[:8], 16) % 10 == 0


@lru_cache(maxsize=4)
def read_word_list(spec: str) -> tuple[str, ...]:
    """Every distinct word of a list (lower-cased, in file order); a one-line error for a missing, empty,
    binary or non-UTF-8 file."""
    path = NAMES.get(spec, Path(spec).expanduser())
    if not path.is_file():
        if spec in NAMES:
            raise GanforgeError(f"{spec} is not installed ({path} is missing): run `sudo apt-get install wfrench`, "
                                "or give --data a UTF-8 file of one word per line")
        raise GanforgeError(f"{spec} is not a file; give --data wfrench or a UTF-8 file of one word per line")
    if path.stat().st_size > MAX_WORD_FILE:
        raise GanforgeError(f"{path} is over {MAX_WORD_FILE >> 20} MB; a word list is one word per line, give a "
                            "smaller one")
    raw = path.read_bytes()
    if b"\0" in raw:
        raise GanforgeError(f"{path} is a binary file, not a word list; give a UTF-8 text file of one word per line")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GanforgeError(f"{path} is not UTF-8 text (byte {error.start} cannot be read); convert it, e.g. "
                            f"`iconv -f latin1 -t utf-8 {path.name}`") from None
    words = tuple(dict.fromkeys(line.strip().lower() for line in text.splitlines() if line.strip()))
    if not words:
        raise GanforgeError(f"{path} holds no words; give a UTF-8 file of one word per line")
    return words


@dataclass(frozen=True, eq=False)
class WordDataset(ImageSource):
    """Words as int64 codes (N, L) into `alphabet` (END first); `batch` gives one-hot (B, V, L) floats."""

    name: str
    codes: np.ndarray  # int64 (N, L)
    alphabet: str  # END, then the list's characters in sorted order
    labels: None = None
    class_names: tuple[str, ...] = field(default_factory=tuple)
    representation: str = "text"

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def length(self) -> int:
        """Characters per word, end symbols included."""
        return self.codes.shape[1]

    @property
    def image_shape(self) -> tuple[int, int]:
        """What the networks see of a word: (alphabet size, length)."""
        return len(self.alphabet), self.length

    def batch(self, indices: np.ndarray, rng: np.random.Generator | None = None) -> tuple[torch.Tensor, None]:
        """One-hot words (B, V, L) float32 and no labels."""
        codes = torch.from_numpy(self.codes[np.asarray(indices)])
        return torch.nn.functional.one_hot(codes, len(self.alphabet)).permute(0, 2, 1).float(), None

    def words(self) -> list[str]:
        """The words as text."""
        return decode(self.codes, self.alphabet)

    def describe(self) -> dict:
        """What a checkpoint records about its data."""
        return {"name": self.name, "words": len(self), "length": self.length, "alphabet": self.alphabet[1:]}


def encode(words: list[str] | tuple[str, ...], alphabet: str, length: int) -> np.ndarray:
    """Words -> int64 codes (N, length), END-padded; every character must be in `alphabet`."""
    index = {char: code for code, char in enumerate(alphabet)}
    codes = np.zeros((len(words), length), np.int64)
    for row, word in enumerate(words):
        codes[row, : len(word)] = [index[char] for char in word]
    return codes


def decode(codes: np.ndarray | torch.Tensor, alphabet: str) -> list[str]:
    """int codes (N, L) -> words, each cut at its first end symbol."""
    rows = codes.tolist() if isinstance(codes, torch.Tensor) else np.asarray(codes).tolist()
    return ["".join(alphabet[code] for code in row).split(END, 1)[0] for row in rows]


def load_words(spec: str, split: str = "train", *, length: int = 16, on_note=None) -> WordDataset:
    """The words of `spec` of one split ("train", "heldout" or "all") that fit `length` characters."""
    if split not in ("train", "heldout", "all"):
        raise ValueError(f"unknown split {split!r}")
    if length < 2:
        raise GanforgeError(f"a word length of {length} holds no word; use 2 or more")
    everything = read_word_list(str(spec))
    usable = [word for word in everything if len(word) <= length and not any(char.isspace() for char in word)]
    if not usable:
        raise GanforgeError(f"no word of {spec} fits {length} characters; raise the model's length")
    if on_note is not None and len(usable) < len(everything):
        on_note(f"note: {len(everything) - len(usable):,} of {len(everything):,} words of {spec} are longer than "
                f"{length} characters (or hold a space) and are left out")
    alphabet = END + "".join(sorted({char for word in usable for char in word}))
    chosen = [word for word in usable if split == "all" or heldout(word) == (split == "heldout")]
    if not chosen:
        raise GanforgeError(f"{spec} has no {split} words (the held-out tenth is chosen by a hash of each word); "
                            "give a longer list")
    return WordDataset(str(spec), encode(chosen, alphabet, length), alphabet)
