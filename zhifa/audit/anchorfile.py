"""The anchor file: one signed JSON line per anchor, only ever appended to, under an exclusive lock so that two
`audit_anchor` runs cannot interleave. It belongs where the database's users cannot write."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from zhifa.core.errors import ServiceError


def anchor_file_path() -> Path:
    return Path(settings.ZHIFA_AUDIT_ANCHOR_FILE)


def _split(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return lines


def anchor_lines_read() -> list[str]:
    """Every line of the anchor file, in order (none when the file does not exist yet)."""
    path = anchor_file_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ServiceError(f"锚点文件 {path} 无法读取：{exc.strerror}") from None
    return _split(data.decode("utf-8", errors="replace"))


class AnchorFile:
    """An open, locked anchor file: its lines as they were when locked, and `append` for one more."""

    def __init__(self, fh):
        self._fh = fh
        fh.seek(0)
        self.lines = _split(fh.read().decode("utf-8", errors="replace"))

    def append(self, line: str) -> int:
        """Write one line and force it to disk; return its line number."""
        self._fh.write((line + "\n").encode())
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.lines.append(line)
        return len(self.lines)


@contextmanager
def anchor_file_locked() -> Iterator[AnchorFile]:
    path = anchor_file_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # "a+b": every write goes to the end (O_APPEND), which also works on a file marked append-only (chattr +a).
        fh = open(path, "a+b")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as exc:
        raise ServiceError(f"锚点文件 {path} 无法打开：{exc.strerror}") from None
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield AnchorFile(fh)
    finally:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
