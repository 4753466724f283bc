"""--format github and junit, --template, and the rule that formats are templates (no Python per format)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _output_helpers import BLANK, EXAMPLES, UNBALANCED, cli, write_report
from conftest import REAL

from gxlint.config import find_config
from gxlint.render import FORMATS, gh_data, gh_prop, templates_dir

GITHUB = re.compile(r"^::(error|warning|notice) file=[^,:]+(,line=\d+(,col=\d+)?(,endLine=\d+)?)?,title=GX\d{3}[^:]*::.+$")


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()  # keyed by the path as given: a relative path means another file in each test


def test_every_format_is_a_template() -> None:
    for name, template in FORMATS.items():
        assert (templates_dir() / template).is_file(), name
    assert set(FORMATS) == {"text", "concise", "json", "sarif", "github", "junit", "html"}


def test_github_workflow_commands(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=UNBALANCED)
    write_report(tmp_path / "b.docx", cells=BLANK)
    res = cli(["check", "--no-cache", "-f", "github", "a.txt", "b.docx"])
    lines = res.stdout.splitlines()
    assert len(lines) == 3
    for ln in lines:
        assert GITHUB.match(ln), ln
    assert any(ln.startswith("::error file=a.txt,line=") and ",col=" in ln and "title=GX301" in ln for ln in lines)
    docx = next(ln for ln in lines if "b.docx" in ln)
    assert ",line=" not in docx and "[表三/(一)予以公开/商业企业]" in docx


def test_github_escaping() -> None:
    assert gh_data("50%\nnext") == "50%25%0Anext"
    assert gh_prop("a,b:c") == "a%2Cb%3Ac"


def test_junit_xml(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=UNBALANCED)
    write_report(tmp_path / "clean.md")
    (tmp_path / "x.pdf").write_bytes(b"garbage")
    res = cli(["check", "--no-cache", "-f", "junit", "a.txt", "clean.md", "x.pdf"])
    root = ET.fromstring(res.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"a.txt", "clean.md", "x.pdf"}
    assert suites["a.txt"].get("failures") == "2" and len(suites["a.txt"].findall("testcase/failure")) == 2
    assert suites["clean.md"].get("failures") == "0" and len(suites["clean.md"].findall("testcase")) == 1
    assert suites["x.pdf"].get("errors") == "1" and suites["x.pdf"].find("testcase/error") is not None
    assert root.get("tests") == "4" and root.get("failures") == "2" and root.get("errors") == "1"


def test_junit_escapes_untrusted_text(tmp_path: Path) -> None:
    write_report(tmp_path / "a&b<c>.txt", cells=BLANK)
    res = cli(["check", "--no-cache", "-f", "junit", "a&b<c>.txt"])
    root = ET.fromstring(res.stdout.encode("utf-8"))
    assert root.find("testsuite").get("name") == "a&b<c>.txt"


def test_user_template(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=BLANK)
    (tmp_path / "mine.j2").write_text(
        "{% for f in findings %}{{ f.code }}|{{ f.cell.path }}|{{ f.fingerprint }}\n{% endfor %}"
        "{{ summary.files }} files\n", encoding="utf-8")
    res = cli(["check", "--no-cache", "--template", "mine.j2", "a.txt"])
    assert res.code == 1
    first, last = res.stdout.splitlines()
    assert first.startswith("GX201|表三/(一)予以公开/商业企业|") and last == "1 files"


def test_user_html_template_is_autoescaped(tmp_path: Path) -> None:
    agency = "某县<script>alert(1)</script>人民政府"
    write_report(tmp_path / "a.txt", cells=BLANK, agency=agency)
    (tmp_path / "mine.html.j2").write_text("<p>{% for f in files %}{{ f.title }}{% endfor %}</p>", encoding="utf-8")
    res = cli(["check", "--no-cache", "--template", "mine.html.j2", "a.txt"])
    assert "<script>" not in res.stdout and "&lt;script&gt;" in res.stdout


def test_template_errors_are_usage_errors(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt")
    (tmp_path / "bad.j2").write_text("{% for x in %}", encoding="utf-8")
    res = cli(["check", "--no-cache", "--template", "bad.j2", "a.txt"])
    assert res.code == 2 and "模板" in res.stderr
    res = cli(["check", "--no-cache", "--template", "missing.j2", "a.txt"])
    assert res.code == 2


@pytest.mark.parametrize("fmt", ["github", "junit", "html", "text", "concise", "json", "sarif"])
def test_every_format_renders_the_examples(fmt: str) -> None:
    res = cli(["check", "--no-cache", "-f", fmt, EXAMPLES])
    assert res.code == 1 and res.stdout.strip()


@pytest.mark.corpus
@pytest.mark.parametrize("fmt", ["github", "junit", "html"])
def test_formats_on_the_real_corpus(fmt: str) -> None:
    res = cli(["check", "--no-cache", "-f", fmt, REAL])
    assert res.code in (0, 1) and res.stdout.strip()
    if fmt == "junit":
        ET.fromstring(res.stdout.encode("utf-8"))
    if fmt == "github":
        for ln in res.stdout.splitlines():
            assert GITHUB.match(ln), ln


def test_compiled_templates_are_cached_and_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    """Templates compile once per machine (Jinja's bytecode cache, keyed by the template's checksum); a cache
    folder that cannot be written — removed by a temp cleaner — costs a compile, never an error."""
    import jinja2

    from gxlint.render import _QuietBytecodeCache

    def env(folder: Path) -> jinja2.Environment:
        return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                                  bytecode_cache=_QuietBytecodeCache(str(folder)))

    store = tmp_path / "bc"
    store.mkdir()
    first = env(store).get_template("summary.j2")
    assert len(list(store.iterdir())) == 1
    again = env(store)
    compiled: list[str] = []
    real = again.compile

    def counting(*a: object, **kw: object) -> object:
        compiled.append("x")
        return real(*a, **kw)  # type: ignore[arg-type]

    again.compile = counting  # type: ignore[method-assign]
    second = again.get_template("summary.j2")
    assert not compiled  # loaded from the cache, not compiled again
    assert second.name == first.name == "summary.j2"
    gone = tmp_path / "removed"
    gone.mkdir()
    fresh = env(gone)
    gone.rmdir()
    assert fresh.get_template("summary.j2") is not None
