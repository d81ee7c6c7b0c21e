"""A subgraph does not start without token keys, nor in production without the issuer it must check."""

from __future__ import annotations

from typing import Any

import pytest

from vsm_common.auth import DEFAULT_AUDIENCE, DEV_ISSUER, AuthConfigError, AuthSettings
from vsm_common.settings import ServiceSettings


def settings(**values: Any) -> ServiceSettings:
    return ServiceSettings.model_validate(values)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "authentication is not configured"),
        ({"VSM_JWKS_PATH": "", "VSM_JWKS_URL": ""}, "authentication is not configured"),
        ({"VSM_JWKS_PATH": "/k.json", "VSM_JWKS_URL": "https://idp/jwks"}, "not both"),
        ({"VSM_PROFILE": "production", "VSM_JWKS_URL": "https://idp/jwks"}, "VSM_JWT_ISSUER is not set"),
    ],
)
def test_refused_settings(values: dict[str, str], message: str) -> None:
    with pytest.raises(AuthConfigError, match=message):
        AuthSettings.from_settings(settings(**values))


def test_development_defaults_and_production_values() -> None:
    dev = AuthSettings.from_settings(settings(VSM_JWKS_PATH="/k.json"))
    assert (dev.jwks_path, dev.jwks_url, dev.issuer, dev.audience, dev.leeway_seconds) == (
        "/k.json",
        None,
        DEV_ISSUER,
        DEFAULT_AUDIENCE,
        60,  # Hive Router's fixed leeway on exp
    )
    prod = AuthSettings.from_settings(
        settings(
            VSM_PROFILE="production",
            VSM_JWKS_URL="https://idp/jwks",
            VSM_JWT_ISSUER="https://idp/",
            VSM_JWT_AUDIENCE="vsm-prod",
            VSM_JWT_CLOCK_TOLERANCE_SECONDS="5",
        )
    )
    assert (prod.jwks_url, prod.issuer, prod.audience, prod.leeway_seconds) == (
        "https://idp/jwks",
        "https://idp/",
        "vsm-prod",
        5,
    )
