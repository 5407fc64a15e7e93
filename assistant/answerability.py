"""Deciding whether the article answers a question at all."""

from __future__ import annotations

from dataclasses import dataclass

from .retrieval import Retrieval


@dataclass(frozen=True)
class Verdict:
    answered: bool
    reason: str


def judge(retrieval: Retrieval) -> Verdict:
    if retrieval.missing_terms:
        return Verdict(False, "the article never mentions " + ", ".join(retrieval.missing_terms))
    return Verdict(True, "")
