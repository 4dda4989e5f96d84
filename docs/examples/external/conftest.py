import os
from collections.abc import Iterator

import pytest

from mockserver.testing.handle import TelephonyMock


@pytest.fixture
def telephony_mock() -> Iterator[TelephonyMock]:
    """The same handle, on a server that runs elsewhere (a container, ``mockserver serve``)."""
    with TelephonyMock(os.environ["MOCKSERVER_URL"]) as mock:
        mock.reset()  # the server is shared by the whole run
        yield mock
