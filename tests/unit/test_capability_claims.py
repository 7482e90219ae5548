"""Without a claims file, the server's own Capabilities description (PS3.18 §8.9, Annex H) says what it claims."""

from __future__ import annotations

import json

import pytest

from conformance.capability_claims import claims_from_wadl
from conformance.checks.wadl import parse_wadl_json, parse_wadl_xml
from tests.double.capabilities import Node, as_json, as_xml, tree
from tests.double.faults import Settings

SOURCE = "Capabilities of the target"


def _wadl(roots: list[Node], form: str):  # type: ignore[no-untyped-def]
    settings = Settings()
    if form == "xml":
        return parse_wadl_xml(as_xml("http://x/dicom-web", roots, settings))
    return parse_wadl_json(json.loads(as_json("http://x/dicom-web", roots, settings)))


@pytest.mark.parametrize("form", ["xml", "json"])
def test_declared_services_are_claimed_and_nothing_else(form: str) -> None:
    claims = claims_from_wadl(_wadl(tree(Settings()), form), uri_service=False, source=SOURCE)
    assert claims.claimed == {"worklist", "notifications", "npi", "storage-commitment"}
    assert claims.source == SOURCE


@pytest.mark.parametrize("form", ["xml", "json"])
def test_resources_below_studies_claim_their_optional_features(form: str) -> None:
    instance = Node("{instance}", ("GET",), (Node("thumbnail", ("GET",)), Node("bulkdata", ("GET",))))
    studies = Node("studies", ("GET",), (Node("{study}", ("GET",), (Node("series", (), (Node("{series}", (), (
        Node("instances", (), (instance,)),)),)),)),))
    claims = claims_from_wadl(_wadl([studies], form), uri_service=False, source=SOURCE)
    assert claims.claimed == {"thumbnails", "bulkdata-resources"}


def test_a_declared_query_parameter_claims_its_matching_feature() -> None:
    body = (b'<application xmlns="http://wadl.dev.java.net/2009/02"><resources base="http://x/dicom-web">'
            b'<resource path="studies"><method name="GET"><request><param name="fuzzymatching" style="query"/>'
            b'<param name="Accept" style="header"/></request></method></resource></resources></application>')
    assert claims_from_wadl(parse_wadl_xml(body), uri_service=False, source=SOURCE).claimed == {"fuzzy-matching"}


def test_the_uri_service_is_claimed_by_naming_its_endpoint_not_by_the_description() -> None:
    claims = claims_from_wadl(_wadl([Node("studies", ("GET",))], "xml"), uri_service=True, source=SOURCE)
    assert claims.claimed == {"uri-service"}


def test_credentials_in_the_target_url_never_reach_the_claims_source() -> None:
    import httpx

    from conformance.capability_claims import capability_claims
    from conformance.transport.client import ClientSettings, HttpClient

    client = HttpClient(ClientSettings(timeout_s=2.0), transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    claims = capability_claims(client, "http://alice:s3cret@127.0.0.1:9/dicom-web", uri_service=False)
    assert "s3cret" not in claims.source and "alice" not in claims.source
    assert claims.source == "documented default (no claims file; no Capabilities description at OPTIONS " \
                            "http://<redacted>@127.0.0.1:9/dicom-web)"
