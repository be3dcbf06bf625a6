"""Evidence files: stored once under their SHA-256, never modified, verified on every read.

A file lives at ``<root>/<2 hex>/<sha256>``, written to a temporary name and renamed into
place (a reader never sees half a file), then made read-only. Reading recomputes the digest:
a file that no longer matches raises ``EvidenceIntegrityError`` and logs an alarm (the
digest and path, never the content), so altered evidence is never served silently.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from notalone.errors import EvidenceIntegrityError

log = logging.getLogger("notalone.evidence")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_filename(name: str | None) -> str:
    """The last path component of ``name`` with unsafe characters removed (no traversal)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" ._")[:128]
    return base or "attachment"


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a SHA-256 digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            self.get(digest)  # already stored: make sure it is still intact
            os.utime(target)  # and young again, so an orphan purge running now keeps it
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except OSError:
            log.error("evidence integrity alarm: %s is missing", target)
            raise EvidenceIntegrityError(
                "an evidence file is missing; the alarm was raised"
            ) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            log.error("evidence integrity alarm: %s no longer matches its digest", target)
            raise EvidenceIntegrityError(
                "an evidence file no longer matches its digest; it was not served and the "
                "alarm was raised"
            )
        return data

    def stored(self) -> Iterator[tuple[str, float]]:
        """Every stored digest with its file's modification time (Unix seconds)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not re.fullmatch(r"[0-9a-f]{2}", folder.name) or not folder.is_dir():
                continue
            for file in sorted(folder.iterdir()):
                if re.fullmatch(r"[0-9a-f]{64}", file.name):
                    yield file.name, file.stat().st_mtime

    def remove_if_older(self, sha256: str, before: float) -> bool:
        """Delete a file not touched since ``before`` (an orphan: its upload never committed)."""
        target = self.path(sha256)
        try:
            if target.stat().st_mtime >= before:
                return False
            target.unlink()
        except FileNotFoundError:
            return False
        return True
