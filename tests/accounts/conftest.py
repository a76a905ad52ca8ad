"""Account tests: the dispatch district (the public report pages need its catalog), and start-up checks."""

import os
import subprocess
import sys

from tests.dispatch.conftest import district  # noqa: F401  (the fixture)


def startup_errors(**environ: str) -> str:
    """Run `manage.py check` with these environment variables; what it printed on failure ("" if it passed)."""
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.stderr if proc.returncode else ""
