"""Finding a CJK TrueType font for the pdf writer.

Order: $GXLINT_CJK_FONT ("path" or "path#face-index"), then the Debian font packages' files, then whatever
`fc-list :lang=zh` lists. On Debian/Ubuntu `apt-get install fonts-wqy-zenhei` is enough.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "GXLINT_CJK_FONT"
INSTALL_HINT = "apt-get install fonts-wqy-zenhei"

# Debian packages' files, best first (fonts-wqy-zenhei, fonts-wqy-microhei, fonts-droid-fallback, fonts-arphic-uming,
# fonts-noto-cjk)
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


class FontNotFoundError(RuntimeError):
    """No CJK font: the pdf writer cannot draw Chinese text."""


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0  # the face inside a .ttc collection


def _parse(spec: str) -> FontFile:
    path, _, index = spec.partition("#")
    return FontFile(path, int(index) if index.isdigit() else 0)


def _fc_list() -> list[str]:
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = []
    for line in out.splitlines():
        path = line.split(":", 1)[0].strip()
        if path.lower().endswith((".ttf", ".ttc", ".otf")):
            files.append(path)
    return sorted(set(files), key=lambda p: (not p.lower().endswith((".ttf", ".ttc")), p))


def candidates() -> list[FontFile]:
    out: list[FontFile] = []
    env = os.environ.get(ENV_VAR)
    if env:
        out.append(_parse(env))
    out.extend(FontFile(p) for p in KNOWN_FONTS if Path(p).is_file())
    known = {f.path for f in out}
    out.extend(FontFile(p) for p in _fc_list() if p not in known)
    return out


def find_cjk_font() -> FontFile:
    """The first CJK font file found, or FontNotFoundError saying what to install."""
    env = os.environ.get(ENV_VAR)
    if env and not Path(_parse(env).path).is_file():
        raise FontNotFoundError(f"{ENV_VAR}={env!r}: no such font file")
    found = candidates()
    if not found:
        raise FontNotFoundError(
            f"no CJK (Chinese) font found for the pdf writer: install one ({INSTALL_HINT}) or set {ENV_VAR} to a "
            ".ttf/.ttc file")
    return found[0]
