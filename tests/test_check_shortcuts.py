"""Shortcuts the check stage takes for speed, each against the plain computation it replaced: a cell the cell kind
calls plain is one no match can be true of; the text kind's joins of a stretch of the report, taken from the joins
of the whole text, are those _JOIN finds in the stretch itself."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.check.kinds.cell import _STATES, _hit, _not_plain
from gxlint.check.kinds.text import _JOIN, _joined, cuts_within
from gxlint.origin import Origin
from gxlint.report import BLANK, MISSING, NUMBER, PLACEHOLDER, TEXT, UNREADABLE, Cell

EXAMPLES = settings(max_examples=400, deadline=None, derandomize=True, database=None)

NUMBERS = st.one_of(st.integers(-6, 6), st.sampled_from([0.5, -1.25, 2.0, 1e-7, 3.0000001]))
STATES = st.sampled_from([NUMBER, NUMBER, NUMBER, BLANK, TEXT, PLACEHOLDER, UNREADABLE, MISSING])
RAWS = st.one_of(st.from_regex(r"[0-9]{1,3}", fullmatch=True),
                 st.sampled_from(["-3", "1.5", "3件", "１２", "²", "12 ", "1,200", "", "约5", "٣"]), st.text(max_size=4))


@EXAMPLES
@given(state=STATES, value=st.one_of(st.none(), NUMBERS, st.booleans(), st.integers(-10**6, 10**6)), raw=RAWS,
       amount=st.booleans(), kind=st.sampled_from(["count", "signed"]), unit=st.sampled_from([None, "万元"]),
       cell_unit=st.sampled_from([None, "万元", "元"]))
def test_a_plain_cell_matches_nothing(state: str, value: Any, raw: str, amount: bool, kind: str, unit: str | None,
                                      cell_unit: str | None) -> None:
    cell = Cell("t", "r", "c", state, raw, Origin(), value, cell_unit)
    amounts = frozenset({"c"} if amount else ())
    if _not_plain([cell], amounts):
        return
    column_kind = "amount" if amount else kind
    for match in ("blank_or_placeholder", "text", "negative", "non_integer", "unit", "unreadable", "amount_unit"):
        assert not (cell.state in _STATES.get(match, (NUMBER,)) and _hit(match, cell, column_kind, unit)), match


def test_plain_is_not_vacuous() -> None:
    amounts: frozenset[str] = frozenset()
    assert not _not_plain([Cell("t", "r", "c", NUMBER, "12", Origin(), 12)], amounts)
    assert _not_plain([Cell("t", "r", "c", NUMBER, "12", Origin(), 12)], frozenset({"c"}))
    assert _not_plain([Cell("t", "r", "c", NUMBER, "3件", Origin(), 3)], amounts)
    assert _not_plain([Cell("t", "r", "c", BLANK, "", Origin())], amounts)


# -------------------------------------------------------------------------------------- joins of a stretch

TEXTS = st.text(alphabet=st.sampled_from(list("\n\n\n。:a一1(\x1f\x1e中")), max_size=24)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(text=TEXTS)
def test_joins_of_a_stretch_are_those_found_in_it(text: str) -> None:
    everywhere = [m.start() for m in _JOIN.finditer(text)]
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            stretch = text[start:end]
            cuts = cuts_within(everywhere, start, end)
            assert cuts == [m.start() for m in _JOIN.finditer(stretch)], (start, end)
            assert _joined(stretch, cuts) == _JOIN.sub("", stretch)


def test_joins_are_found_at_all() -> None:
    text = "第一行\n接着写\n二、标题"
    assert [m.start() for m in _JOIN.finditer(text)] == [3]
    assert cuts_within([3], 0, len(text)) == [3]
    assert cuts_within([3], 3, len(text)) == []  # the newline opens the stretch: nothing before it
