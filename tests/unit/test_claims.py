"""Claims: optional features gate cases; mandatory features cannot be claimed away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.claims import FEATURES, SCHEMA_FILE, Claims, load_claims, schema_text
from conformance.errors import UsageError


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    return str(path)


def test_a_claimed_optional_feature_covers_its_cases(tmp_path: Path) -> None:
    claims = load_claims(write(tmp_path, "features: {thumbnails: true, fuzzy-matching: false}"))
    assert claims.covers("thumbnails")
    assert not claims.covers("fuzzy-matching")


def test_an_unclaimed_optional_feature_does_not_cover_its_cases(tmp_path: Path) -> None:
    assert not load_claims(write(tmp_path, "features: {}")).covers("worklist")


def test_mandatory_features_are_always_covered_and_cases_without_a_feature_too() -> None:
    claims = Claims.default()
    assert claims.covers(None)
    assert all(claims.covers(name) for name, f in FEATURES.items() if f.mandatory)


def test_a_mandatory_feature_cannot_be_claimed_away(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="rendered.*cannot be claimed away"):
        load_claims(write(tmp_path, "features: {rendered: false}"))


@pytest.mark.parametrize("text, message", [
    ("features: {teleport: true}", "teleport"),
    ("features: {thumbnails: maybe}", "not of type 'boolean'"),
    ("server: x", "'features' is a required property"),
    ("features: [", r"claims\.yaml:\d+: YAML syntax"),
])
def test_a_malformed_claims_file_is_a_usage_error_naming_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_claims(write(tmp_path, text))


def test_a_missing_claims_file_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nope.yaml"):
        load_claims("nope.yaml")


def test_the_default_claims_the_uri_service_only_when_its_endpoint_is_known() -> None:
    assert Claims.default(uri_service=True).covers("uri-service")
    assert not Claims.default().covers("uri-service")


def test_the_shipped_claims_schema_is_current() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == json.loads(schema_text())


def test_an_alias_bomb_in_a_claims_file_is_refused_at_its_alias_before_it_expands(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    with pytest.raises(UsageError, match=r"claims\.yaml:\d+: YAML alias \*a\d .* over the limit of 10,000 for a settings file"):
        load_claims(write(tmp_path, "\n".join(levels) + "\nfeatures: {thumbnails: true}\n"))
