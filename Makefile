# The lecture decks: install, compute model data, render, export.
#
#   make                  everything: setup, data, render, export into presentations/
#   make test             the test suite
#   make help             every target
#
# QUALITY=l|m|h|k picks the render quality (480p15, 720p30, 1080p60, 2160p60).
# The default, m, builds the whole course in minutes on a 2-core laptop;
# use QUALITY=h for the lecture hall. Scenes render in parallel, one per core.

QUALITY ?= m
BUILD ?= build/$(QUALITY)
OUT ?= presentations
DECKS_FILE ?= slides/decks.py
# Space-separated deck names to build (default: every deck in the deck list).
DECKS ?=

# Render one scene per core unless the command line says otherwise (make -j1).
ifeq ($(filter -j%,$(MAKEFLAGS)),)
  MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

SYSTEM_PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SETUP := .setup
PYTHON_STAMP := $(SETUP)/python.stamp
DEBIAN_STAMP := $(SETUP)/debian.stamp
REVEAL_VERSION := 6.0.1
# manim-slides looks here for reveal.js before it would try a CDN.
REVEAL_STAMP := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/manim-slides/revealjs$(REVEAL_VERSION)/reveal.js
# axe-core, the accessibility engine the browser tests run, offline.
AXE_VERSION := 4.14.1
AXE_STAMP := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/resnet-lecture/axe-core$(AXE_VERSION)/axe.min.js
DATA_STAMP := build/data.stamp
MODEL_SOURCES := $(shell find model -name '*.py' 2>/dev/null)

PIPELINE = $(PY) -m slides.pipeline --decks-file $(DECKS_FILE) --build $(BUILD) --out $(OUT)
RENDER = $(PIPELINE) render --quality $(QUALITY)
EXPORT = $(PIPELINE) export

# Targets that need no deck rules (and so work before anything is installed).
NO_DECK_GOALS := help clean distclean setup
ifneq ($(filter-out $(NO_DECK_GOALS),$(or $(MAKECMDGOALS),all)),)
  # The deck list is read on every run (milliseconds, standard library only); a bad
  # deck list stops here with one line.
  DECK_LIST_ERROR := $(shell PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline --decks-file $(DECKS_FILE) --build $(BUILD) makefile --select "$(DECKS)" 2>&1)
  ifneq ($(DECK_LIST_ERROR),)
    $(error $(DECK_LIST_ERROR))
  endif
  include $(BUILD)/decks.mk
endif

DECK_FILES := $(foreach d,$(DECK_NAMES),$(OUT)/$(d).html $(OUT)/$(d).pptx $(OUT)/$(d).pdf $(OUT)/$(d)-notes.html $(OUT)/$(d)-handout.pdf)
SCENE_FILES := $(foreach d,$(DECK_NAMES),$(foreach s,$(DECK_SCENES_$(d)),$(BUILD)/slides/$(s).json))

.DEFAULT_GOAL := all
.PHONY: all help setup data render export present scene list test bench clean distclean

all: $(OUT)/index.html ## install, compute data, render and export every deck (the default)

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24
	@echo "  variables: QUALITY=l|m|h|k (default m), DECKS='intro resnet', DECK=<name>, SCENE=<Name>"

# --- setup: one stamp per step, so a second run installs nothing -------------

setup: $(PYTHON_STAMP) $(REVEAL_STAMP) $(AXE_STAMP) ## install Debian packages, the Python environment, reveal.js and axe-core

$(DEBIAN_STAMP):
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline.system debian
	@mkdir -p $(@D) && touch $@

$(PYTHON_STAMP): pyproject.toml | $(DEBIAN_STAMP)
	@echo "[setup] Python environment in $(VENV)"
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline.system requirements > $(SETUP)/requirements.txt
	@$(PY) -m pip install --quiet -r $(SETUP)/requirements.txt
	@mkdir -p $(@D) && touch $@

$(REVEAL_STAMP): | $(PYTHON_STAMP)
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline.system revealjs $(@D)

$(AXE_STAMP): | $(PYTHON_STAMP)
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline.system axe-core

# --- data: cached model results under assets/data ----------------------------

data: ## rebuild stale model data under assets/data (training runs; minutes)
	@$(PY) -m model build-data
	@mkdir -p $(dir $(DATA_STAMP)) && touch $(DATA_STAMP)

$(DATA_STAMP): $(MODEL_SOURCES) | $(PYTHON_STAMP)
	@$(PY) -m model build-data
	@mkdir -p $(@D) && touch $@

# --- render and export ---------------------------------------------------------

render: $(SCENE_FILES) ## render every scene of the selected decks

export: $(DECK_FILES) ## export the selected decks to HTML, PPTX, PDF, reading view and handout

$(OUT)/index.html: $(DECK_FILES) $(DECKS_FILE)
	@$(PIPELINE) index --select "$(DECKS)"

list: ## list the decks and their scenes
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline --decks-file $(DECKS_FILE) list

ifneq ($(filter present,$(MAKECMDGOALS)),)
  ifeq ($(filter $(DECK),$(ALL_DECKS)),)
    $(error unknown deck '$(DECK)'; use make present DECK=<name> with one of: $(ALL_DECKS))
  endif
endif
present: $(foreach s,$(DECK_SCENES_$(DECK)),$(BUILD)/slides/$(s).json) ## present DECK=<name> full screen in the Qt presenter
	@$(PIPELINE) present $(DECK) -- --full-screen $(PRESENT_FLAGS)

ifneq ($(filter scene,$(MAKECMDGOALS)),)
  ifeq ($(filter $(SCENE),$(ALL_SCENES)),)
    $(error unknown scene '$(SCENE)'; use make scene SCENE=<Name> with one of: $(ALL_SCENES))
  endif
endif
scene: $(BUILD)/slides/$(SCENE).json ## render SCENE=<Name> alone and print where its videos are
	@$(PIPELINE) where $(SCENE)

# --- checks ----------------------------------------------------------------

test: $(PYTHON_STAMP) $(REVEAL_STAMP) $(AXE_STAMP) ## run the test suite (renders every deck at low quality)
	@$(PY) -m pytest $(PYTEST_FLAGS)

bench: $(PYTHON_STAMP) $(REVEAL_STAMP) ## measure build speed and deck sizes; writes presentations/bench.md
	@$(PY) -m slides.pipeline.bench

clean: ## remove generated files (renders, exports); keeps sources, assets and the installs
	rm -rf build $(OUT)/*.html $(OUT)/*.pptx $(OUT)/*.pdf $(OUT)/*_assets $(OUT)/thumbs $(OUT)/bench.md media

distclean: clean ## also remove the Python environment and setup stamps
	rm -rf $(VENV) $(SETUP)
