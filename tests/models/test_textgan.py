"""The text task (issue 47): word lists, the textgan family, `ganforge write` and the word measures, on tiny
models and small real word lists (a hand-made one here; Debian's wfrench where installed)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch

from ganforge.apps.text import load_text_model, write_words
from ganforge.data import load_training_data
from ganforge.data.words import WFRENCH, decode, encode, heldout, load_words, read_word_list
from ganforge.errors import GanforgeError
from ganforge.metrics.text import js_divergence, ngram_counts, word_metrics
from ganforge.models.textgan import most_likely
from ganforge.training import train
from tests.conftest import run_cli

WORDS = ["chat", "chien", "maison", "arbre", "soleil", "lune", "table", "porte", "livre", "ville", "pomme", "fleur", "rouge", "vert", "bleu", "noir", "été", "forêt", "âne", "garçon", "île", "cœur"]
TINY = """
preset = "french-words"
data = "{data}"
[model]
length = 8
width = 16
residual_blocks = 1
output = "softmax"
[objective]
critic_steps = 2
[train]
steps = {steps}
batch_size = 8
sample_every = 0
checkpoint_every = 0
lr_generator = 1e-3
lr_discriminator = 1e-3
"""


@pytest.fixture(scope="module")
def word_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("words") / "words.txt"
    path.write_text("\n".join([*WORDS, "Chat", "anticonstitutionnellement", "pomme de terre", ""]) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_run(word_file, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("textgan")
    (root / "tiny.toml").write_text(TINY.format(data=word_file.as_posix(), steps=300))
    train(str(root / "tiny.toml"), out=root / "run", device="cpu", progress=False, seed=0)
    return root / "run"


def test_words_are_split_by_a_fixed_rule_and_one_hot(word_file):
    notes: list[str] = []
    every = load_words(str(word_file), "all", length=8, on_note=notes.append)
    train_part, held = load_words(str(word_file), "train", length=8), load_words(str(word_file), "heldout", length=8)
    # lower-cased and deduplicated ("Chat" is "chat"); the long word and the one with spaces left out, said once
    assert sorted(every.words()) == sorted(WORDS)
    assert len(notes) == 1 and "2 of 24 words" in notes[0] and "longer than 8" in notes[0]
    assert sorted(train_part.words() + held.words()) == sorted(WORDS)
    assert set(held.words()) == {word for word in WORDS if heldout(word)} and held.words()
    assert every.alphabet[0] == "\0" and set(every.alphabet[1:]) == set("".join(WORDS))
    batch, labels = every.batch(np.arange(3))
    assert labels is None and batch.shape == (3, len(every.alphabet), 8)
    assert torch.equal(batch.sum(dim=1), torch.ones(3, 8))  # one character (or the end) per place
    assert decode(most_likely(batch), every.alphabet) == every.words()[:3]
    assert decode(encode(["cœur", "île"], every.alphabet, 8), every.alphabet) == ["cœur", "île"]


@pytest.mark.parametrize("content, message", [
    (b"", "holds no words"),
    (b"\n  \n", "holds no words"),
    ("caf\u00e9\n".encode("latin-1"), "is not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
])
def test_bad_word_lists_are_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    read_word_list.cache_clear()
    with pytest.raises(GanforgeError, match=message):
        load_training_data("text", str(path), size=8)
    result = run_cli("train", "french-words", "--data", str(path), "--out", str(tmp_path / "run"))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_training_carries_the_alphabet_and_learns_the_characters(tiny_run, word_file, tmp_path):
    loaded = load_text_model(checkpoint=tiny_run)
    alphabet = load_words(str(word_file), "all", length=8).alphabet
    assert loaded.config.alphabet == alphabet and loaded.config.length == 8
    words = write_words(loaded, 200, seed=1)
    assert words == write_words(loaded, 200, seed=1) and words != write_words(loaded, 200, seed=2)
    assert all(len(word) <= 8 and set(word) <= set(alphabet[1:]) for word in words)
    # an untrained generator of the same shape draws characters far from the words' own; 300 steps of training
    # (150 generator updates) bring the character pairs closer and the lengths much closer: it learns from the words. (Read
    # at temperature 1, its distributions themselves: the most likely characters stay a few frequent ones
    # that early.)
    untrained_toml = tmp_path / "untrained.toml"
    untrained_toml.write_text(TINY.format(data=word_file.as_posix(), steps=1).replace(
        "lr_generator = 1e-3", "lr_generator = 1e-12"))
    train(str(untrained_toml), out=tmp_path / "untrained", device="cpu", progress=False, seed=0)
    before = write_words(load_text_model(checkpoint=tmp_path / "untrained"), 200, seed=1, temperature=1.0)
    after = write_words(loaded, 200, seed=1, temperature=1.0)
    target = ngram_counts(WORDS, 2)  # character pairs, word starts and ends included
    assert js_divergence(ngram_counts(after, 2), target) < 0.9 * js_divergence(ngram_counts(before, 2), target)
    real_length = np.mean([len(word) for word in WORDS])
    assert abs(np.mean([len(w) for w in after]) - real_length) < 0.5 * abs(np.mean([len(w) for w in before]) - real_length)


def test_write_command_prints_writes_and_refuses_in_one_line(tiny_run, tmp_path):
    printed = run_cli("write", "--checkpoint", str(tiny_run), "--num", "5", "--seed", "3")
    assert printed.returncode == 0 and len(printed.stdout.splitlines()) == 5
    out = tmp_path / "words.txt"
    written = run_cli("write", "--checkpoint", str(tiny_run), "--num", "5", "--seed", "3", "--out", str(out))
    assert written.returncode == 0 and out.read_text(encoding="utf-8") == printed.stdout
    again = run_cli("write", "--checkpoint", str(tiny_run), "--num", "5", "--out", str(out))
    assert again.returncode == 2 and "--overwrite" in again.stderr
    for args, message in (
        (["--num", "0"], "ask for 1 to"),
        (["--num", "100000000"], "ask for 1 to"),
        (["--temperature", "inf"], "--temperature inf"),
        (["--temperature", "-1"], "--temperature -1"),
    ):
        result = run_cli("write", "--checkpoint", str(tiny_run), *args)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, args
    other = run_cli("write", "--model", "mnist-gan")
    assert other.returncode == 2 and "not a text model" in other.stderr
    sample = run_cli("sample", "--checkpoint", str(tiny_run), "--out", str(tmp_path / "grid.png"))
    assert sample.returncode == 2 and "ganforge write" in sample.stderr


def test_resume_is_exact_for_the_text_gan(word_file, tmp_path):
    from safetensors.torch import load_file

    from ganforge.training.checkpoint import latest_checkpoint

    config = tmp_path / "tiny.toml"
    config.write_text(TINY.format(data=word_file.as_posix(), steps=6))
    train(str(config), out=tmp_path / "straight", device="cpu", progress=False)
    train(str(config), out=tmp_path / "split", steps=3, device="cpu", progress=False)
    train(str(config), out=tmp_path / "split", steps=6, device="cpu", progress=False, resume=True)
    a, b = (load_file(latest_checkpoint(tmp_path / run) / "training.safetensors") for run in ("straight", "split"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_word_measures_on_a_hand_computed_case():
    a, b = Counter({"x": 1}), Counter({"y": 3})
    assert js_divergence(a, a) == 0 and math.isclose(js_divergence(a, b), math.log(2))
    # "ab" framed "^ab$": 2-grams ^a, ab, b$
    assert ngram_counts(["ab"], 2) == Counter({"^a": 1, "ab": 1, "b$": 1})
    metrics = word_metrics(["chat", "chat", "loup", "zzz"], vocabulary={"chat", "loup", "chien"},
                           training={"chat"}, heldout=["loup", "chien"])
    assert metrics["real"] == 0.75 and math.isclose(metrics["new_among_real"], 1 / 3)
    assert metrics["real_and_new"] == 0.25 and metrics["distinct"] == 0.75 and metrics["mean_length"] == 3.75
    assert 0 < metrics["js4"] < math.log(2)


@pytest.mark.skipif(not WFRENCH.is_file(), reason="Debian's wfrench is not installed (make data installs it)")
def test_wfrench_split_is_the_documented_one():
    held, train_part = load_words("wfrench", "heldout"), load_words("wfrench", "train")
    assert 0.09 < len(held) / (len(held) + len(train_part)) < 0.11
    assert not set(held.words()) & set(train_part.words())
    assert len(held.alphabet) == 45  # the end symbol and the 44 characters of the list


def test_the_browser_apps_write_tab_offers_text_models_only(tiny_run, tmp_path):
    import shutil

    from ganforge.apps.webapp import WebApp

    runs = tmp_path / "runs"
    shutil.copytree(tiny_run, runs / "words")
    app = WebApp(runs, work=tmp_path / "work")
    assert set(app.catalogue.keys("write")) == {"french-words", "runs/words"}  # the shipped model and the run
    assert "runs/words" not in app.catalogue.keys("generate")
    words = app.write("runs/words", 7, seed=3)
    assert words.split("\n") == write_words(load_text_model(checkpoint=tiny_run), 7, seed=3)
    with pytest.raises(GanforgeError, match="ask for 1 to"):
        app.write("runs/words", 0, seed=0)
    with pytest.raises(GanforgeError, match="not write"):
        app.write("mnist-gan", 3, seed=0)


def test_gumbel_output_is_one_hot_in_training_with_the_softmax_gradient():
    from ganforge.models.textgan import Generator, TextGANConfig

    generator = Generator(TextGANConfig(length=6, width=8, residual_blocks=1, alphabet="\0abc", output="gumbel"))
    z = torch.randn(5, generator.config.latent_dim)
    drawn = generator.train()(z)
    assert torch.equal(drawn.sum(dim=1), torch.ones(5, 6)) and set(drawn.unique().tolist()) == {0.0, 1.0}
    (drawn * torch.randn_like(drawn)).sum().backward()  # straight-through: the draw passes a gradient back
    assert generator.readout.weight.grad.abs().sum() > 0
    distributions = generator.eval()(z)  # what `write` reads: the distributions, deterministic
    assert torch.allclose(distributions.sum(dim=1), torch.ones(5, 6)) and torch.equal(distributions, generator(z))
