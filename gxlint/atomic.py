"""Writing an output file so that a crash, a full disk or Ctrl-C mid-write leaves the previous file whole: the bytes go
to a temporary file beside the target, are flushed to disk, then renamed over it (os.replace is atomic on one file
system). A target that is a symbolic link is written through: the link's destination is replaced, the link kept."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> Path:
    """Replace `path` with `data` atomically. Raises OSError (the target untouched, no temporary file left)."""
    target = Path(os.path.realpath(path))
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)  # keep the permissions of the file being replaced
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target
