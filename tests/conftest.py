"""Shared test fixtures. Corpus tests read the real reports in ../shared/corpus; they carry the `corpus` marker and
skip only when that folder is absent (a user's fresh clone). `.ci/run` fails when it is absent, so CI always runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = CORPUS / "seeds"
REAL = CORPUS / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason="../shared/corpus is not present (fresh clone)")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def real() -> Path:
    return REAL
