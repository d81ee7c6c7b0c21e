# vsm: `make run` starts the whole stack with demo data; `make test` runs every test.
# Every dependency is installed here, each step skipped when already done.

PY ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
KAFKA_LIBS := .cache/kafka-libs
GATEWAY := services/gateway
WEB := services/web

export PYTHONPATH := $(CURDIR)/libs:$(CURDIR)/tools:$(CURDIR)/services/goals:$(CURDIR)/services/planning:$(CURDIR)/services/followup

.PHONY: setup run test lint typecheck unit supergraph clean-data help token stress-test web

help:
	@echo "make run    - start the whole stack with demo data (Hive Router on http://127.0.0.1:4000/graphql)"
	@echo "make test   - lint, type-check and run every test (starts and stops its own stack)"
	@echo "make web    - build the web app (services/web/dist), which make run serves on http://127.0.0.1:4080/"
	@echo "make stress-test [RUNS=20] [LANES=1] - every test, RUNS times, with both cores kept busy by CPU hogs"
	@echo "make bench [SIZE=halmstad|goteborg] - generate a municipality and print the benchmark figures"
	@echo "make -s token ROLE=<role> [SUB=<id>] [ORG=<code>] [TTL=<seconds>] - print a development JWT"

setup: $(VENV)/.installed $(GATEWAY)/node_modules/.installed $(KAFKA_LIBS)/.resolved

$(VENV)/.installed: requirements.lock
	@echo "==> Python environment: installing pinned dependencies into $(VENV)"
	@test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --disable-pip-version-check --progress-bar on -r requirements.lock
	@touch $@

# Node runs the supergraph composition (compose.mjs) and the conformance checks (conformance/*.mjs).
$(GATEWAY)/node_modules/.installed: $(GATEWAY)/package-lock.json
	@echo "==> Supergraph composition and conformance tools: npm ci"
	cd $(GATEWAY) && npm ci --no-audit --no-fund
	@touch $@

$(KAFKA_LIBS)/.resolved: deploy/kafka/pom.xml
	@echo "==> Kafka broker: resolving jars with Maven"
	mvn -B -f deploy/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
	    -DoutputDirectory=$(CURDIR)/$(KAFKA_LIBS)
	@touch $@

# ---------------------------------------------------------------- the web app (issue 16)
# services/web: its packages by `npm ci` (as the gateway's), then the build (codegen from the committed API
# schema, tsc, vite) whenever a source, the schema or the lock is newer than dist/index.html.
$(WEB)/node_modules/.installed: $(WEB)/package-lock.json
	@echo "==> Web app packages: npm ci"
	cd $(WEB) && npm ci --no-audit --no-fund
	@touch $@

WEB_SOURCES := $(shell find $(WEB)/src -type f -not -path '$(WEB)/src/gql/*' 2>/dev/null) \
	$(wildcard $(WEB)/index.html $(WEB)/codegen.ts $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/public/*)

$(WEB)/dist/index.html: $(WEB)/node_modules/.installed $(WEB)/package-lock.json $(GATEWAY)/schema.graphql $(WEB_SOURCES)
	@echo "==> Web app: codegen, type check and build into $(WEB)/dist"
	cd $(WEB) && npm run build
	@touch $@

web: $(WEB)/dist/index.html

# The front door is Hive Router, built first (once per version: see "Hive Router" below); the web app
# is served beside it.
run: setup router web
	$(PYTHON) -m vsm_dev.run

lint: $(VENV)/.installed
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.installed
	$(PYTHON) -m mypy libs tools/vsm_dev tools/deploy_check services/goals/vsm_goals services/planning/vsm_planning services/followup/vsm_followup bench/vsm_bench

# The router first: the test session's stack and tests/test_router_front_door.py start it. The browser
# tests (tests/web) need the built web app and Chromium.
test: setup deploy-tools router chromium web lint typecheck
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# The whole suite RUNS times (default 20) with one CPU hog per core beside it; prints how many runs
# were green and which tests failed in which run. STRESS_ARGS go to pytest, e.g. STRESS_ARGS="tests/test_planning_saga.py".
# LANES=2 runs two suites side by side on worktrees of the committed HEAD: more load, half the time.
RUNS ?= 20
LANES ?= 1
STRESS_ARGS ?=

stress-test: setup router deploy-tools lint typecheck
	$(PYTHON) -m vsm_dev.stress --runs $(RUNS) --lanes $(LANES) -- $(STRESS_ARGS)

# tests/web/test_unit.py runs the web app's vitest, so unit needs its packages.
unit: $(VENV)/.installed $(WEB)/node_modules/.installed
	$(PYTHON) -m pytest -m "not integration and not e2e" $(PYTEST_ARGS)

# The committed supergraph, composed from each subgraph's SDL of the current code with the subgraph URLs of
# `make run`, and beside it the public API schema clients generate code from (the supergraph without
# federation's join__/link__ machinery). `make test` fails when either is stale or the supergraph breaks
# clients (tests/test_supergraph_committed.py). The API schema goes where the supergraph goes, so
# `make supergraph SUPERGRAPH_OUT=/tmp/x/supergraph.graphql` leaves the committed files alone.
SUPERGRAPH_OUT ?= $(GATEWAY)/supergraph.graphql
API_SCHEMA_OUT ?= $(dir $(SUPERGRAPH_OUT))schema.graphql

supergraph: $(VENV)/.installed $(GATEWAY)/node_modules/.installed
	@set -e; sdl=$$(mktemp -d); trap 'rm -rf "$$sdl"' EXIT; \
	for svc in goals planning followup; do $(PYTHON) -m vsm_$$svc sdl > "$$sdl/$$svc.graphql"; done; \
	node $(GATEWAY)/compose.mjs --out "$(SUPERGRAPH_OUT)" --api-schema "$(API_SCHEMA_OUT)" \
	    --subgraph "goals,http://127.0.0.1:4001/graphql,$$sdl/goals.graphql" \
	    --subgraph "planning,http://127.0.0.1:4002/graphql,$$sdl/planning.graphql" \
	    --subgraph "followup,http://127.0.0.1:4003/graphql,$$sdl/followup.graphql"

# A development token of the dev issuer (key pair in $(VSM_DATA_DIR) or .data/identity/): only the
# token is printed, so `curl -H "authorization: Bearer $$(make -s token ROLE=planner)" ...` works.
# Setting up the venv (when needed) reports on stderr, so stdout stays the token alone.
token:
	@$(MAKE) --no-print-directory $(VENV)/.installed >&2
	@$(PYTHON) -m vsm_dev.token --role "$(ROLE)" $(if $(SUB),--sub "$(SUB)") $(if $(ORG),--org "$(ORG)") $(if $(TTL),--ttl "$(TTL)")

# ---------------------------------------------------------------- benchmarks (issue 7)
# make bench                  halmstad-sized data on a stack of its own (.data/bench-halmstad), then the scenarios
# make bench SIZE=goteborg    the large municipality (about 20 minutes on 2 cores, most of it generating data)
# make bench-smoke            size tiny: the harness end to end in about a minute (CI runs it as a test too)
# BENCH_ARGS="--keep-data"    reuse data generated before with the same seed; "--url URL" measures a running stack
SIZE ?= halmstad
BENCH_ARGS ?=

.PHONY: bench bench-smoke

bench bench-smoke: export PYTHONPATH := $(PYTHONPATH):$(CURDIR)/bench

# Their own stack's front door is Hive Router, built first.
bench: setup router
	$(PYTHON) -m vsm_bench --size $(SIZE) $(BENCH_ARGS)

bench-smoke: setup router
	$(PYTHON) -m vsm_bench --size tiny $(BENCH_ARGS)

clean-data:
	rm -rf .data

# ---------------------------------------------------------------- deploy validation tools (issue 15)
# promtool, kubeconform and kustomize built with `go install` from pinned versions, and the Kubernetes and
# operator schemas converted from pinned packages, into ~/.cache/vsm/deploy-tools (or VSM_TOOLS_CACHE),
# outside the clone; every part is skipped when it is there (tools/deploy_check, pins in pins.py).
.PHONY: deploy-tools

deploy-tools: $(VENV)/.installed
	@$(PYTHON) -m deploy_check.install

# ---------------------------------------------------------------- Hive Router (issue 12)
# The front door: the hive-router crate, built with cargo from crates.io into a cache outside the
# clone, so a rebuild happens only when the version changes (about 12 minutes on 2 idle cores the first
# time). 0.3.10's dependencies need rustc >= 1.97: the image's nightly toolchain (stable is 1.95). Its build
# script would `npm install @graphql-hive/laboratory`, which the registry here does not serve; the
# `graphiql` feature builds the older IDE instead. The target folder is kept, so a cut-off build resumes.
# Progress: cargo's bar in a terminal, otherwise one `Compiling <crate>` line per crate.
# The binary appears only when the build has succeeded, so a failed or cut-off build is tried again.
# Configuration: services/gateway/router/router.<profile>.yaml; launcher: tools/vsm_dev/router.py.
HIVE_ROUTER_VERSION := 0.3.10
HIVE_ROUTER_TOOLCHAIN := nightly
ROUTER_CACHE ?= $(HOME)/.cache/vsm/hive-router
HIVE_ROUTER := $(ROUTER_CACHE)/$(HIVE_ROUTER_VERSION)/bin/hive_router

.PHONY: router

router: $(HIVE_ROUTER)

$(HIVE_ROUTER):
	@echo "==> Hive Router $(HIVE_ROUTER_VERSION): cargo +$(HIVE_ROUTER_TOOLCHAIN) install into $(ROUTER_CACHE) (the first time about 12 minutes on 2 cores)"
	CARGO_TARGET_DIR=$(ROUTER_CACHE)/target cargo +$(HIVE_ROUTER_TOOLCHAIN) install hive-router \
	    --version $(HIVE_ROUTER_VERSION) --locked --features graphiql --root $(ROUTER_CACHE)/$(HIVE_ROUTER_VERSION)

# ---------------------------------------------------------------- Chromium for the browser tests (issue 16)
# Debian's Chromium, which Playwright drives over CDP (never `npx playwright install`): skipped when
# $VSM_CHROMIUM (default /usr/bin/chromium) is executable. Root (as CI runs) needs no sudo; anyone else
# needs a sudo that asks no password.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)

.PHONY: chromium

chromium:
	@if [ -x "$${VSM_CHROMIUM:-/usr/bin/chromium}" ]; then :; else \
	    echo "==> Chromium for the browser tests: apt-get install chromium fonts-liberation"; \
	    $(SUDO) apt-get update && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation; \
	fi
