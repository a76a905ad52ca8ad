"""The public report pages need the dispatch district's catalog."""

from tests.dispatch.conftest import district  # noqa: F401  (the fixture)
