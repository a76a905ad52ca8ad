from tests.dispatch.conftest import district  # noqa: F401 - the dispatch world with its small catalog
