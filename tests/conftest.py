from __future__ import annotations

from collections.abc import Iterator

import pytest

from localsite import LocalSite


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """A local HTTP server on 127.0.0.1 serving the pages a test gives it."""
    server = LocalSite()
    yield server
    server.close()
