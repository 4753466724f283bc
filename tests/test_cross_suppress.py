"""Inline suppression comments cover the cross-report findings (GX8) a batch adds to a file, as they cover the file's
own; GX004 (unused suppression) stays right: a directive that suppresses a GX8 finding is not called unused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gxlint.api import FileResult
from gxlint.run import CheckOptions, run_check
from gxlint.write import write
from gxlint.write.draft import Draft

AGENCY = "某某县人民政府"


def _pair(folder: Path) -> tuple[Path, list[str]]:
    """2024 and 2025 reports of one agency: 2025's 现行有效件数 10 ≠ 20 + 2 − 0, so GX802 fires on 2025."""
    folder.mkdir(parents=True, exist_ok=True)
    last = Draft.blank(2024, agency=AGENCY).with_cell("t2_1", "normative", "valid", "20")
    this = Draft.blank(2025, agency=AGENCY).with_cell("t2_1", "normative", "made", "2") \
        .with_cell("t2_1", "normative", "valid", "10")
    (folder / "r2024.txt").write_bytes(write(last, "txt"))
    path = folder / "r2025.txt"
    path.write_bytes(write(this, "txt"))
    return path, path.read_text(encoding="utf-8").splitlines()


def _result(folder: Path, name: str = "r2025.txt", **kw: object) -> FileResult:
    run = run_check(CheckOptions(paths=(str(folder),), jobs=1, **kw))  # type: ignore[arg-type]
    return next(r for r in run.results if Path(r.path).name == name)


def _gx802_line(folder: Path) -> int:
    (gx802,) = [f for f in _result(folder, cache=False).findings if f.code == "GX802"]
    assert gx802.origin.line is not None
    return gx802.origin.line


@pytest.mark.parametrize("cache", [False, True])
def test_a_gx8_finding_is_suppressed_inline(tmp_path: Path, cache: bool) -> None:
    path, lines = _pair(tmp_path / "reports")
    _gx802_line(tmp_path / "reports")  # fires without the comment
    lines.insert(1, "<!-- gxlint-disable GX802 -- 上年数字更正后重新核对 -->")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for _ in range(2 if cache else 1):  # the second run takes the file and the cross pass from the cache
        res = _result(tmp_path / "reports", cache=cache, cache_dir=str(tmp_path / "cache"))
        assert [f.code for f in res.findings if f.code in ("GX802", "GX004")] == []
        assert [f.code for f in res.suppressed if f.code == "GX802"] == ["GX802"]


def test_a_bare_directive_that_suppresses_a_gx8_finding_is_not_unused(tmp_path: Path) -> None:
    """The file's own pass finds nothing on the next line and calls the bare directive unused (GX004); the batch's
    GX802 on that line is what it is for: GX802 suppressed, that GX004 withdrawn."""
    folder = tmp_path / "reports"
    path, lines = _pair(folder)
    line = _gx802_line(folder)
    lines.insert(line - 1, "<!-- gxlint-disable-next-line -->")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = _result(folder, cache=False)
    assert [f for f in res.findings if f.code in ("GX802", "GX004")] == []
    assert [(f.code, f.origin.line) for f in res.suppressed] == [("GX802", line + 1)]
    assert any(f.code == "GX803" for f in res.findings)  # other GX8 findings are not swallowed

    alone = _result(path, cache=False)  # checked alone: no cross pass, the directive really is unused
    assert [f.code for f in alone.findings if f.code == "GX004"] == ["GX004"]


def test_gx004_still_reports_what_suppresses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    path, lines = _pair(folder)
    line = _gx802_line(folder)
    lines.insert(line - 1, "<!-- gxlint-disable-next-line GX301 GX802 -->")  # GX301 has nothing on that line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = _result(folder, cache=False)
    assert [f.code for f in res.suppressed] == ["GX802"]
    (unused,) = [f for f in res.findings if f.code == "GX004"]  # one: for GX301, none for GX802
    assert unused.snippet.endswith(" GX301") and "中的 GX301 没有抑制任何问题" in unused.message


def test_a_directive_elsewhere_does_not_suppress_a_gx8_finding(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    path, lines = _pair(folder)
    lines.insert(1, "<!-- gxlint-disable-next-line GX802 -->")  # covers line 3, not the table row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = _result(folder, cache=False)
    assert [f.code for f in res.findings if f.code == "GX802"] == ["GX802"]
    assert res.suppressed == []
