"""The content cache: a file's findings (and its cross-report summary) stored under a key made of the file's bytes,
every rule file, the configuration, the file's path and gxlint itself, so a re-run only reads what changed.

Layout (default `.gxlint_cache/` next to the configuration file, else in the working directory):

    .gxlint_cache/
      CACHEDIR.TAG, .gitignore      (backup tools and git leave it alone)
      v1/ab/abcdef….json            one entry per (file content, rules, config, path, gxlint)
      rules-v1.json                 rule files already parsed and validated, by content hash (data only)

Entries are JSON, written to a temporary file in the same folder and moved into place with os.replace, so a reader
never sees half an entry and parallel runs never corrupt each other. Nothing in the cache is ever executed: the
cache may sit inside an audited folder, so it holds data only (no pickle).

An entry's findings are compact rows sharing the entry's string table (`FindingPacker`): codes, rule names and cell
labels repeat from finding to finding, and lists of small integers decode several times faster than objects with
keys (a warm run reads one entry per file, and the cross-report pass's entry holds the batch's GX8 findings). Any
entry that does not decode — cut short, edited, from another layout — is a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gxlint import __version__
from gxlint.config import Config
from gxlint.findings import CellRef, Finding, RowContext
from gxlint.origin import Origin
from gxlint.read import read_file_bytes
from gxlint.read.document import ReadError

CACHE_DIR_NAME = ".gxlint_cache"
FORMAT = "v2"  # v2: a result entry holds its summary on a second line
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by gxlint.\n"
        "# For information about cache directory tags, see https://bford.info/cachedir/\n")


def default_cache_dir(config: Config | None = None, cwd: str | None = None) -> Path:
    """`.gxlint_cache/` next to the configuration file in force, else in the working directory."""
    if config is not None and config.source:
        return Path(config.source).resolve().parent / CACHE_DIR_NAME
    return Path(cwd or os.getcwd()) / CACHE_DIR_NAME


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """gxlint's version plus the size and mtime of every file of the installed package (code, layouts, schemas),
    so an upgrade — or a developer's edit of an editable install — never serves stale findings."""
    h = hashlib.sha256(f"gxlint {__version__}\n".encode())
    root = Path(__file__).resolve().parent
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".yaml", ".yml", ".json")):
                p = os.path.join(dirpath, name)
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                h.update(f"{os.path.relpath(p, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _rule_files(dirs: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        p = Path(d)
        out.extend(sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml")) if p.is_dir() else [p])
    return out


@functools.lru_cache(maxsize=16)
def rules_fingerprint(rules_paths: tuple[str, ...]) -> str:
    """Hash of every rule file's bytes: the built-in pack and the configuration's `rules_paths`."""
    from gxlint.check.loader import builtin_rules_dir

    h = hashlib.sha256()
    for f in _rule_files((str(builtin_rules_dir()), *rules_paths)):
        h.update(str(f).encode("utf-8") + b"\0")
        try:
            h.update(hashlib.sha256(f.read_bytes()).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


def config_fingerprint(config: Config) -> str:
    data = dataclasses.asdict(config)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


# -- findings as compact rows (what entries hold) ---------------------------------------------------------------------

_ORIGIN_FIELDS = tuple(f.name for f in dataclasses.fields(Origin))
_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
_BBOX = _ORIGIN_FIELDS.index("bbox")


class FindingPacker:
    """Findings as rows sharing one string table. A row:
    [code, level, message, origin, cell, values, cells, rule_name, snippet, message_en, context] where every string is
    an index into `strings`, origin is Origin's fields in order (trailing Nones left out), cell a list of six string
    indices (CellRef's fields) or null, values the dict as is or null, cells a list of cells or null, context
    [label, [[col, col_label, raw]…], [raw…]] or null. The path is not stored: an entry is found through it."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._ids: dict[str, int] = {}

    def s(self, text: str) -> int:
        i = self._ids.get(text)
        if i is None:
            i = self._ids[text] = len(self.strings)
            self.strings.append(text)
        return i

    def _cell(self, c: CellRef) -> list[int]:
        s = self.s
        return [s(c.table), s(c.row), s(c.col), s(c.table_name), s(c.row_label), s(c.col_label)]

    def row(self, f: Finding) -> list[Any]:
        s = self.s
        o = f.origin
        origin: list[Any] = list(o.as_tuple())
        if o.bbox is not None:
            origin[_BBOX] = list(o.bbox)
        while origin and origin[-1] is None:
            origin.pop()
        ctx = f.context
        return [s(f.code), s(f.level), s(f.message), origin, self._cell(f.cell) if f.cell is not None else None,
                f.values or None, [self._cell(c) for c in f.cells] or None, s(f.rule_name), s(f.snippet),
                s(f.message_en),
                None if ctx is None else [s(ctx.label), [[s(a), s(b), s(c)] for a, b, c in ctx.cells],
                                          [s(x) for x in ctx.involved]]]

    def rows(self, findings: Iterable[Finding]) -> list[list[Any]]:
        return [self.row(f) for f in findings]


class FindingUnpacker:
    """Rows of one entry back into Findings. Raises (IndexError, KeyError, TypeError, ValueError) on a row that is
    not what FindingPacker wrote: the caller takes the entry for a miss."""

    def __init__(self, strings: list[str]) -> None:
        if not isinstance(strings, list) or not all(type(x) is str for x in strings):
            raise TypeError("strings")
        self.strings = strings
        self._cells: dict[tuple[int, ...], CellRef] = {}  # frozen, so shared between the findings that name it

    def _cell(self, c: list[int]) -> CellRef:
        key = tuple(c)
        ref = self._cells.get(key)
        if ref is None:
            s = self.strings
            table, row, col, table_name, row_label, col_label = key
            ref = self._cells[key] = CellRef(s[table], s[row], s[col], s[table_name], s[row_label], s[col_label])
        return ref

    def findings(self, rows: list[list[Any]], path: str) -> list[Finding]:
        s = self.strings
        cell = self._cell
        new = object.__new__
        out = []
        for code, level, message, origin, c, values, cells, rule_name, snippet, message_en, ctx in rows:
            o = Origin(*origin)
            if o.bbox is not None:
                o.bbox = tuple(o.bbox)
            if values is not None and type(values) is not dict:
                raise TypeError("values")
            # Finding is frozen: its __init__ sets each field through object.__setattr__ (three times the cost of
            # filling __dict__ at once, for the same object). Every field is set here, in declaration order
            f = new(Finding)
            f.__dict__.update(
                code=s[code], level=s[level], message=s[message], path=path, origin=o,
                cell=None if c is None else cell(c), values=values or {},
                cells=() if cells is None else tuple(cell(x) for x in cells), rule_name=s[rule_name],
                snippet=s[snippet], message_en=s[message_en],
                context=None if ctx is None else RowContext(s[ctx[0]], tuple((s[a], s[b], s[x]) for a, b, x in ctx[1]),
                                                            tuple(s[x] for x in ctx[2])))
            out.append(f)
        return out


@dataclasses.dataclass
class CachedResult:
    """A file's entry, decoded: its findings and suppressed findings (with the path the run names it by), what the
    renderers say of it, and its cross-report summary (True: on the entry's second line, read by get_summary; None: none)."""

    findings: list[Finding]
    suppressed: list[Finding]
    about: dict[str, Any]
    summary: Any


# -- the store ----------------------------------------------------------------------------------------------------

# entries are read like inputs (read_file_bytes: plain reads, regular files only) but with a far larger bound: the
# cross-report entry of a batch of 100,000 reports is tens of megabytes
ENTRY_LIMIT = 1 << 30


_SERIAL = itertools.count()  # this process's temporary names


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part. Four system calls
    (open, write, close, rename) when the folder exists, as it does for all but the first entry of a folder: a cold
    batch writes one per file, and mkstemp's random names and a mkdir per write cost a third of a txt report's
    entry."""
    path = os.fspath(path)
    fd, tmp = _temporary(os.path.dirname(path), os.path.splitext(path)[1])
    try:
        try:
            view = memoryview(data)
            while view:  # write() may write less than asked
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _temporary(folder: str, suffix: str) -> tuple[int, str]:
    """A new file in `folder` (made if missing), named after this process and a counter; mkstemp's random name when
    that name is taken (a stale file of an earlier process with this pid)."""
    name = os.path.join(folder, f".tmp-{os.getpid()}-{next(_SERIAL)}{suffix}")
    try:
        return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), name
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:
        pass
    return tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=suffix)


class Cache:
    """Findings by content. `key()` is cheap (one sha256 over the file's bytes); `get()` is one small JSON read."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.entries = self.dir / FORMAT
        self._entries = str(self.entries)
        self._salts: dict[str, str] = {}
        self._by_id: dict[int, tuple[Config, str]] = {}  # the same Config object asks again and again
        self.hits = 0
        self.misses = 0
        self.writable = True

    def prepare(self) -> None:
        """Create the folder with its CACHEDIR.TAG and .gitignore (once)."""
        try:
            self.entries.mkdir(parents=True, exist_ok=True)
            tag = self.dir / "CACHEDIR.TAG"
            if not tag.exists():
                atomic_write(tag, _TAG.encode())
            ignore = self.dir / ".gitignore"
            if not ignore.exists():
                atomic_write(ignore, b"# created by gxlint\n*\n")
        except OSError:
            self.writable = False

    def salt(self, config: Config) -> str:
        """Everything but the file itself that decides its findings."""
        known = self._by_id.get(id(config))
        if known is not None and known[0] is config:
            return known[1]
        cfp = config_fingerprint(config)
        salt = self._salts.get(cfp)
        if salt is None:
            h = hashlib.sha256()
            for part in (FORMAT, code_fingerprint(), rules_fingerprint(config.rules_paths), cfp):
                h.update(part.encode() + b"\0")
            salt = self._salts[cfp] = h.hexdigest()
        self._by_id[id(config)] = (config, salt)
        return salt

    def key(self, data: bytes, path: str, config: Config) -> str:
        h = hashlib.sha256(data)
        h.update(b"\0" + self.salt(config).encode() + b"\0" + os.path.abspath(path).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _path(self, key: str, suffix: str = ".json") -> str:
        return os.path.join(self._entries, key[:2], key + suffix)  # str, not Path: this runs once per file of a batch

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            # a result entry may carry its file's cross-report summary on a second line (put_result)
            entry = json.loads(read_file_bytes(self._path(key), ENTRY_LIMIT).partition(b"\n")[0])
        except (ReadError, ValueError):
            self.misses += 1
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def get_result(self, key: str, path: str) -> CachedResult | None:
        """A file's entry (put_result), its findings named by `path`; None for a miss or an entry that does not
        decode."""
        entry = self.get(key)
        if entry is None:
            return None
        try:
            if entry["findings"] == [] and not entry.get("suppressed") and type(entry.get("about")) is dict:
                return CachedResult([], [], entry["about"], entry.get("summary"))  # most files of a batch
            unpack = FindingUnpacker(entry["strings"])
            about = entry.get("about") or {}
            if not isinstance(about, dict):
                raise TypeError("about")
            return CachedResult(unpack.findings(entry["findings"], path),
                                unpack.findings(entry.get("suppressed") or (), path), about, entry.get("summary"))
        except (IndexError, KeyError, TypeError, ValueError):
            self.hits -= 1
            self.misses += 1
            return None

    def put_result(self, key: str, findings: Iterable[Finding], suppressed: Iterable[Finding],
                   summary: dict[str, Any] | None, about: dict[str, Any], blobs: dict[str, bytes] | None = None) -> bool:
        """A file's findings, and its cross-report summary (Summary.fields) when it has one: in the same file, one
        write per file of a cold batch, but on a line of its own, so that reading the findings back (every warm
        run) does not parse it — only a cross pass that is not itself cached does (get_summary). `blobs`, byte
        strings of the summary, follow that line as they are (their lengths in its "_blobs"): JSON would escape
        them as base64 strings, the larger part of writing an entry."""
        pack = FindingPacker()
        extra = b""
        if summary is not None:
            line = {**summary, "_blobs": {name: len(data) for name, data in blobs.items()}} if blobs else summary
            try:
                extra = b"\n" + json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            except (TypeError, ValueError):
                summary = None
            else:
                if blobs:
                    extra += b"\n" + b"".join(blobs.values())
        return self.put(key, {"findings": pack.rows(findings), "suppressed": pack.rows(suppressed),
                              "summary": summary is not None, "about": about, "strings": pack.strings}, extra)

    def get_summary(self, key: str) -> dict[str, Any] | None:
        """A file's cross-report summary, the second line of its entry, with the byte strings that follow it."""
        try:
            line, _, tail = read_file_bytes(self._path(key), ENTRY_LIMIT).partition(b"\n")[2].partition(b"\n")
            data = json.loads(line or b"null")
        except (ReadError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        sizes = data.pop("_blobs", {})
        if not isinstance(sizes, dict) or not all(type(n) is int and n >= 0 for n in sizes.values()) \
                or sum(sizes.values()) != len(tail):
            return None  # cut short or damaged: the file is summarised again
        at = 0
        for name, size in sizes.items():
            data[name] = tail[at:at + size]
            at += size
        return data

    def put(self, key: str, entry: dict[str, Any], extra: bytes = b"") -> bool:
        if not self.writable:
            return False
        try:
            data = json.dumps({"format": FORMAT, **entry}, ensure_ascii=False, separators=(",", ":"),
                              allow_nan=False).encode("utf-8") + extra
        except (TypeError, ValueError):  # a finding value JSON cannot hold: do not cache that file
            return False
        try:
            atomic_write(self._path(key), data)
        except OSError:
            self.writable = False
            return False
        return True


def clean(directory: str | os.PathLike[str]) -> bool:
    """Remove a cache folder. Refuses a folder that is not a gxlint cache (no CACHEDIR.TAG written by gxlint)."""
    d = Path(directory)
    if not d.exists():
        return False
    tag = d / "CACHEDIR.TAG"
    try:
        ours = "gxlint" in tag.read_text(encoding="utf-8", errors="replace")
    except OSError:
        ours = d.name == CACHE_DIR_NAME and (d / FORMAT).is_dir()
    if not ours:
        raise ValueError(f"{d} 不是 gxlint 的缓存目录（没有 gxlint 写的 CACHEDIR.TAG），不删除")
    shutil.rmtree(d)
    return True


class RuleStore(dict):  # type: ignore[type-arg]
    """Parsed and validated rule files by text hash (see gxlint.check.loader.VALIDATED), kept as one JSON file per
    gxlint build. Data only: a rule is still compiled from it on every run."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(directory) / f"rules-{code_fingerprint()[:16]}.json"
        self.dirty = False
        try:
            loaded = json.loads(self.path.read_bytes())
            if isinstance(loaded, dict):
                super().update(loaded)
        except (OSError, ValueError):
            pass

    def __setitem__(self, key: str, value: Any) -> None:
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):  # a YAML date or the like: validate that file again next time
            return
        super().__setitem__(key, value)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            atomic_write(self.path, json.dumps(self, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            self.dirty = False
            for old in self.path.parent.glob("rules-*.json"):  # stores of earlier gxlint builds
                if old != self.path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
