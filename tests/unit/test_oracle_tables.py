"""The oracle's copies of the standard's tables stay consistent, and its public API is pinned."""

from __future__ import annotations

import itertools

import pytest

import conformance.oracle as oracle
from conformance.oracle.tables import (
    ALLOWED_KEY_LEVELS,
    IE_LEVELS,
    REQUIRED_IE_LEVELS,
    REQUIRED_MATCHING,
    ie_level_of,
)


@pytest.mark.parametrize("first,second", list(itertools.combinations(IE_LEVELS, 2)))
def test_each_attribute_belongs_to_one_information_entity(first, second):
    assert not IE_LEVELS[first] & IE_LEVELS[second]


@pytest.mark.parametrize("level", ["study", "series", "instance"])
def test_required_matching_attributes_belong_to_their_level(level):
    owners = {"study": {"patient", "study"}, "series": {"series"}, "instance": {"instance"}}[level]
    for attribute in REQUIRED_MATCHING[level]:
        head = attribute if isinstance(attribute, int) else attribute[0]
        assert ie_level_of(head) in owners


@pytest.mark.parametrize("resource", sorted(REQUIRED_IE_LEVELS))
def test_a_resource_accepts_keys_of_every_level_it_must_support(resource):
    assert REQUIRED_IE_LEVELS[resource] <= ALLOWED_KEY_LEVELS[resource]
    assert "patient" in ALLOWED_KEY_LEVELS[resource]  # PS3.18 §10.6.1.2.1


def test_public_api_is_sorted_and_importable():
    assert oracle.__all__ == sorted(oracle.__all__)
    for name in oracle.__all__:
        assert getattr(oracle, name) is not None
