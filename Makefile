# The front door. Every target sets up .venv/ from the pinned lock file first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EDITION ?= staff
CLIENT ?=
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup site sites pdf serve validate render test check audit bench clean lock system-packages

help:
	@echo "make site      validate the handbook and build the site into site/ (EDITION=client|public: site-EDITION/)"
	@echo "               CLIENT=<id>: that client's handbook into site-<id>/ (with EDITION=staff: the account team's)"
	@echo "make sites     every client's handbook into site-<id>/, in parallel (JOBS=n; EDITION=staff)"
	@echo "make pdf       the whole handbook as one PDF in the site folder (needs chromium, fonts-noto-cjk)"
	@echo "make serve     live preview on http://127.0.0.1:8000 (rebuilds on YAML changes)"
	@echo "make validate  check every file under policies/ (file:line:column diagnostics)"
	@echo "make render    write the generated Markdown tree to build/pages/ (engine-neutral)"
	@echo "make test      lint and run the whole test suite"
	@echo "make audit     check the pinned dependencies for known vulnerabilities (pip-audit)"
	@echo "make bench     time validation and builds of 100/1,000/10,000-policy handbooks"
	@echo "make clean     remove site/, build/ and .venv/"

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: python3.11 not found; install Python 3.11" >&2; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@-$(BIN)/handbook validate --write-editor-schemas > /dev/null 2>&1  # the editor's id lists
	@touch $@

# Also writes build/editor-schemas/: the handbook's ids, which the editor completes and checks.
validate: $(STAMP)
	$(BIN)/handbook validate --write-editor-schemas

# `handbook build` builds into a staging folder and swaps it in only when the build succeeded,
# so a failed build leaves the previous site intact. EDITION=client or public builds site-EDITION/.
# CLIENT=<id> builds that client's handbook (policies/clients/<id>/) into site-<id>/; with
# EDITION=staff, the account team's version into site-<id>-staff/.
site: validate
	$(BIN)/handbook build $(if $(CLIENT),--client '$(CLIENT)' $(if $(filter command line environment,$(origin EDITION)),--edition $(EDITION)),--edition $(EDITION))

# Every client's handbook (policies/clients/*/) into site-<id>/, one build per CPU core at once
# (JOBS=n to choose; EDITION=staff: the account teams' versions into site-<id>-staff/).
sites: validate
	$(BIN)/handbook sites $(if $(filter command line environment,$(origin EDITION)),--edition $(EDITION)) $(if $(JOBS),--jobs $(JOBS))

# The whole handbook (this EDITION) as one PDF, printed by Debian's chromium; needs fonts-noto-cjk.
pdf: validate
	HANDBOOK_PRINT=1 $(BIN)/handbook build --edition $(EDITION)
	$(BIN)/handbook pdf --site $(if $(filter staff,$(EDITION)),site,site-$(EDITION))

serve: $(STAMP)
	@echo "预览只重建改动过的页面:下面 MkDocs 关于 dirty build 的提示是正常的,改了标题后其他页面的导航要等重启预览才更新。"
	@-$(BIN)/handbook validate --write-editor-schemas > /dev/null 2>&1
	$(BIN)/mkdocs serve --no-strict --livereload --dirty

render: $(STAMP)
	$(BIN)/handbook render --out build/pages

# Synthetic handbooks of 100, 1,000 and 10,000 policies, timed stage by stage (takes a while);
# writes tests/bench/RESULTS.md. SIZES=100,1000 for a shorter run. Then 200 clients over a
# 1,000-policy base: validation and every client's site (tests/bench/RESULTS-clients.md).
SIZES ?= 100,1000,10000
bench: $(STAMP)
	$(BIN)/python tests/bench/run.py --sizes $(SIZES)
	$(BIN)/python tests/bench/clients.py

# Known vulnerabilities in the pinned dependencies; skipped loudly when no advisory data is reachable.
audit: $(STAMP)
	$(BIN)/python .ci/audit.py

check: $(STAMP)
	$(BIN)/ruff check generator tests .ci
	$(BIN)/ruff format --check generator tests .ci

# Browser-side test tools (axe-core) come from the npm registry, pinned by package-lock.json.
JS_STAMP := tests/js/node_modules/.installed
$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's chromium and a CJK font, installed where possible (root on Debian), else the command to run.
system-packages:
	@.ci/system-packages

test: check $(JS_STAMP) system-packages
	$(BIN)/python -m pytest

clean:
	rm -rf site site-client site-public build $(VENV) .pytest_cache .ruff_cache tests/js/node_modules

# Regenerate requirements.lock from pyproject.toml (needs PyPI; run by a maintainer, not by CI).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --all-build-deps \
		--no-emit-index-url --no-emit-find-links --extra site --extra test -o requirements.lock pyproject.toml
	$(BIN)/python .ci/hook_pins.py  # the pre-commit hook installs these exact versions
