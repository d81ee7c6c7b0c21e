"""Write deploy/kubernetes/monitoring/prometheus-rules.yaml from deploy/observability/prometheus/alerts.yaml.

alerts.yaml is the source (promtool checks and unit-tests it); the Prometheus Operator wants the same
groups in a PrometheusRule. ``python -m deploy_check.rules`` writes it; a test fails when the two differ.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "observability" / "prometheus" / "alerts.yaml"
PROMETHEUS_RULE = ROOT / "deploy" / "kubernetes" / "monitoring" / "prometheus-rules.yaml"

HEADER = """\
# GENERATED from deploy/observability/prometheus/alerts.yaml by `python -m deploy_check.rules`: edit that
# file, not this one (a test fails when the two differ). The alert rules for a Prometheus run by the
# Prometheus Operator; like the PodMonitors, your Prometheus must select this resource (its ruleSelector).
"""


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line strings, so the PromQL stays readable."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def prometheus_rule(alerts: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "vsm-alerts", "namespace": "vsm"},
        "spec": {"groups": alerts["groups"]},
    }


def render() -> str:
    alerts = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    body = yaml.dump(prometheus_rule(alerts), Dumper=_Dumper, sort_keys=False, width=1000, allow_unicode=True)
    return HEADER + body


def main() -> int:
    PROMETHEUS_RULE.write_text(render(), encoding="utf-8")
    print(f"wrote {PROMETHEUS_RULE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
