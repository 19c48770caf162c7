"""The solver is a pure package: its tests need no Django settings or database."""

import pytest


@pytest.fixture(autouse=True)
def _media_and_var():
    """Overrides the suite-wide fixture of the same name, which needs Django settings."""
    return None
