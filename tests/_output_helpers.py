"""Helpers shared by the output, CLI, suppression and baseline tests: reports written by gxlint's writer, and the CLI
run in-process."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from gxlint.cli import app
from gxlint.write import write
from gxlint.write.draft import Draft

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def draft(year: int = 2024, agency: str = "某某县人民政府", change: Callable[[Draft], Draft] | None = None) -> Draft:
    d = Draft.blank(year, agency=agency)
    return change(d) if change else d


def write_report(path: Path, year: int = 2024, agency: str = "某某县人民政府",
                 change: Callable[[Draft], Draft] | None = None, cells: dict[str, str] | None = None) -> Path:
    """A blank official report (every cell 0) at `path`, format from the suffix; `cells` sets cell texts by
    "table/row/col"."""
    d = draft(year, agency, change)
    for key, text in (cells or {}).items():
        t, r, c = key.split("/")
        d = d.with_cell(t, r, c, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(write(d, path.suffix.lstrip(".")))
    return path


# a 表三 imbalance: 5 received by natural persons, nothing handled (GX301 row total, GX303 一+二 ≠ 七+四)
UNBALANCED = {"t3/r1/natural": "5"}
BLANK = {"t3/r3_1/business": ""}  # GX201


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def cli(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    res = runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
    return Result(res.exit_code, res.stdout, res.stderr)
