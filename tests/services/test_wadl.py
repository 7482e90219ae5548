"""Reading Capabilities Descriptions: the WADL XML of Annex H and the JSON form of Annex G."""

from __future__ import annotations

import json

from conformance.checks.wadl import parse_wadl_json, parse_wadl_xml

XML = b"""<?xml version="1.0"?>
<application xmlns="http://wadl.dev.java.net/2009/02">
  <resources base="http://h/dicomweb">
    <resource path="workitems"><method name="GET"/><method name="POST"/>
      <resource path="{workitem}"><method name="GET"/><resource path="state"><method name="PUT"/></resource></resource>
    </resource>
  </resources>
</application>"""


def test_the_xml_form_gives_the_resource_tree_with_full_paths_and_methods() -> None:
    wadl = parse_wadl_xml(XML)
    assert wadl.problems == [] and wadl.base == "http://h/dicomweb" and wadl.resources_elements == 1
    paths = {p: r.methods for p, r in wadl.paths()}
    assert paths == {"/workitems": ("GET", "POST"), "/workitems/{workitem}": ("GET",), "/workitems/{workitem}/state": ("PUT",)}


def test_a_document_that_is_not_a_wadl_application_is_a_problem_not_an_exception() -> None:
    assert parse_wadl_xml(b"<oops").problems[0].startswith("not an XML document")
    assert "expected a WADL application" in parse_wadl_xml(b"<application/>").problems[0]


def test_the_json_form_follows_annex_g() -> None:
    good = {"application": {"doc": [{"@title": "t", "value": "v"}],
                            "resources": [{"@base": "http://h/x", "resource": [{"@path": "studies", "method": [
                                {"@name": "GET", "request": {"param": [{"@name": "Accept", "@style": "header"}]}}]}]}]}}
    wadl = parse_wadl_json(good)
    assert wadl.problems == [] and [p for p, _ in wadl.paths()] == ["/studies"]


def test_annex_g_shape_errors_are_named_with_their_rule() -> None:
    doc_object = {"application": {"doc": {"value": "v"}, "resources": [{"@base": "http://h/x"}]}}
    assert any("G.2.1" in p for p in parse_wadl_json(doc_object).problems)
    param_object = {"application": {"resources": [{"@base": "b", "resource": [{"@path": "s", "method": [
        {"@name": "GET", "request": {"param": {"@name": "Accept"}}}]}]}]}}
    assert any("param is repeatable" in p for p in parse_wadl_json(param_object).problems)
    unique_array = {"application": {"resources": [{"@base": "b", "resource": [{"@path": "s", "method": [
        {"@name": "GET", "request": [{"param": []}]}]}]}]}}
    assert any("request is unique" in p for p in parse_wadl_json(unique_array).problems)
    assert parse_wadl_json(json.loads('{"app": {}}')).problems
