import pytest

from hotline.catalogue.demo import load_demo_catalogue


@pytest.fixture
def catalogue(db):
    """The demo's Fuzhou catalogue, version 1, in force since 2026-01-01."""
    return load_demo_catalogue()
