"""The catalogue of mutations: each breaks one requirement on one kind of exchange."""

from __future__ import annotations

from . import rendered, retrieve, search, store
from .base import Mutation

MUTATIONS: tuple[Mutation, ...] = store.MUTATIONS + search.MUTATIONS + retrieve.MUTATIONS + rendered.MUTATIONS
BY_NAME: dict[str, Mutation] = {m.name: m for m in MUTATIONS}

if len(BY_NAME) != len(MUTATIONS):
    raise ValueError("two mutations share a name")

__all__ = ["MUTATIONS", "BY_NAME", "Mutation"]
