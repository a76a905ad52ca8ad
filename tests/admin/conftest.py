"""Admin tests use the dispatch district and the subjects on it."""

from tests.dispatch.conftest import district  # noqa: F401  (the fixture)
from tests.subjects.conftest import subjects  # noqa: F401  (the fixture)
