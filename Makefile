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
# THEME=light renders on white (printing, washed-out projectors) into its own build
# folder and writes <deck>-light.html/.pptx/.pdf beside the dark decks.
THEME ?= dark
THEME_SUFFIX := $(if $(filter-out dark,$(THEME)),-$(THEME))
BUILD ?= build/$(QUALITY)$(THEME_SUFFIX)
OUT ?= presentations
DECKS_FILE ?= slides/decks.py
# Space-separated deck names to build (default: every deck in the deck list).
DECKS ?=
# `make render SCENES='A B'` renders only those scenes (one shard of `make matrix`).
SCENES ?=
# `make matrix` splits the selected decks' scenes into this many shards.
SHARDS ?= 4

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

PIPELINE = $(PY) -m slides.pipeline --decks-file $(DECKS_FILE) --build $(BUILD) --out $(OUT) --theme $(THEME)
RENDER = $(PIPELINE) render --quality $(QUALITY)
EXPORT = $(PIPELINE) export

# Targets that need no deck rules (and so work before anything is installed).
NO_DECK_GOALS := help clean distclean setup
ifneq ($(filter-out $(NO_DECK_GOALS),$(or $(MAKECMDGOALS),all)),)
  ifneq ($(filter-out dark light,$(THEME))$(words $(THEME)),1)
    $(error unknown THEME '$(THEME)'; use THEME=dark (the default) or THEME=light)
  endif
  # The deck list is read on every run (milliseconds, standard library only); a bad
  # deck list stops here with one line.
  DECK_LIST_ERROR := $(shell PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline --decks-file $(DECKS_FILE) --build $(BUILD) makefile --select "$(DECKS)" --quality "$(QUALITY)" 2>&1)
  ifneq ($(DECK_LIST_ERROR),)
    $(error $(DECK_LIST_ERROR))
  endif
  include $(BUILD)/decks.mk
endif

DECK_FILES := $(foreach d,$(DECK_NAMES),$(foreach f,.html .pptx .pdf -notes.html -handout.pdf,$(OUT)/$(d)$(THEME_SUFFIX)$(f)))
SCENE_FILES := $(foreach d,$(DECK_NAMES),$(foreach s,$(DECK_SCENES_$(d)),$(BUILD)/slides/$(s).json))

.DEFAULT_GOAL := all
.PHONY: all help setup data render export present scene list matrix check-site test bench clean distclean

all: $(OUT)/index.html ## install, compute data, render and export every deck (the default)

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24
	@echo "  variables: QUALITY=l|m|h|k (default m), THEME=dark|light, DECKS='intro resnet', DECK=<name>, SCENE=<Name>, SCREEN=<n>"

# --- setup: one stamp per step, so a second run installs nothing -------------

setup: $(PYTHON_STAMP) $(REVEAL_STAMP) $(AXE_STAMP) ## install Debian packages, the Python environment, reveal.js and axe-core

# A longer package list (system.py) is checked again on machines set up before it.
$(DEBIAN_STAMP): slides/pipeline/system.py
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

ifneq ($(filter render,$(MAKECMDGOALS)),)
  ifneq ($(filter-out $(ALL_SCENES),$(SCENES)),)
    $(error unknown scene '$(firstword $(filter-out $(ALL_SCENES),$(SCENES)))' in SCENES; defined scenes: $(ALL_SCENES))
  endif
endif
render: $(if $(SCENES),$(foreach s,$(SCENES),$(BUILD)/slides/$(s).json),$(SCENE_FILES)) ## render every scene of the selected decks (or SCENES='A B')

ifneq ($(filter matrix,$(MAKECMDGOALS)),)
  ifeq ($(shell [[ '$(SHARDS)' =~ ^[1-9][0-9]*$$ ]] && echo ok),)
    $(error SHARDS='$(SHARDS)' is not a whole number of at least 1; use make matrix SHARDS=4)
  endif
endif
matrix: ## print the render plan: the selected decks' scenes in SHARDS balanced shards, as JSON
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline --decks-file $(DECKS_FILE) --build $(BUILD) matrix --select "$(DECKS)" --shards "$(SHARDS)"

export: $(DECK_FILES) ## export the selected decks to HTML, PPTX, PDF, reading view and handout

# The page lists every deck of the deck list found in $(OUT), not only those built now.
$(OUT)/index.html: $(DECK_FILES) $(DECKS_FILE)
	@$(PIPELINE) index

check-site: $(PYTHON_STAMP) ## check the exported decks and course page work offline (no network, no missing file)
	@$(PIPELINE) check-site --select "$(DECKS)"

list: ## list the decks and their scenes
	@PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline --decks-file $(DECKS_FILE) list

PRESENT_SCENES = $(foreach s,$(DECK_SCENES_$(DECK)),$(BUILD)/slides/$(s).json)
ifneq ($(filter present,$(MAKECMDGOALS)),)
  ifeq ($(filter $(DECK),$(ALL_DECKS)),)
    $(error unknown deck '$(DECK)'; use make present DECK=<name> with one of: $(ALL_DECKS))
  endif
  # Before any scene renders: how many are stale, and how long they took last time.
  PRESENT_STALE := $(shell $(MAKE) --no-print-directory -n RENDER=render-stale QUALITY=$(QUALITY) BUILD=$(BUILD) \
    DECKS_FILE=$(DECKS_FILE) $(PRESENT_SCENES) 2>/dev/null | PYTHONPATH=. $(SYSTEM_PYTHON) -m slides.pipeline \
    --decks-file $(DECKS_FILE) --build $(BUILD) stale $(DECK))
  ifneq ($(PRESENT_STALE),)
    $(info $(PRESENT_STALE))
  endif
endif
present: $(PRESENT_SCENES) ## present DECK=<name>: slides on the projector, notes on the laptop (SCREEN=<n> picks)
	@$(PIPELINE) present --screen "$(SCREEN)" $(DECK) -- $(PRESENT_FLAGS)

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
	rm -rf build $(OUT)/*.html $(OUT)/*.pptx $(OUT)/*.pdf $(OUT)/*_assets $(OUT)/thumbs $(OUT)/meta $(OUT)/bench.md media

distclean: clean ## also remove the Python environment and setup stamps
	rm -rf $(VENV) $(SETUP)
