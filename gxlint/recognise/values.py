"""Reading one cell's text as a value: a number, blank, a placeholder, or text — and splitting fused digit runs only
when exactly one split fits."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from gxlint.report import BLANK, NUMBER, PLACEHOLDER, TEXT, UNREADABLE

PLACEHOLDERS = frozenset({"/", "-", "--", "---", "无", "空", "\\", "—", "——", "/ ", "×", "x", "X", "-/-", "暂无", "未", "*"})
_NUM = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_PLAIN = regex.compile(rf"({_NUM})")
_WITH_UNIT = regex.compile(rf"({_NUM})(万元|亿元|千元|元|件|个|条|项|次|宗|份|人|%)")
_WITH_NOTE = regex.compile(rf"({_NUM})(?:[(\[]([^)\]]*)[)\]]?|(其中.*|含.*))")
_VALUE_LIKE = regex.compile(rf"(?:{_NUM})(?:万元|亿元|千元|元|件|个|条|项|次|宗|份|人|%)?(?:\(.*\))?")


@dataclass(frozen=True, slots=True)
class Parsed:
    state: str
    value: int | float | None = None
    unit: str | None = None
    note: str | None = None


def _number(text: str) -> int | float:
    clean = text.replace(",", "")
    if "." in clean:
        return float(clean)
    return int(clean)


def _exact(number: str) -> bool:
    """A decimal a float holds exactly enough to print back (at most 15 significant digits)."""
    clean = number.replace(",", "").lstrip("+-")
    return "." not in clean or len(clean.replace(".", "").lstrip("0")) <= 15


# pure, and the same few texts ("0", "1", "/") fill most cells: remembered (Parsed is immutable)
@functools.lru_cache(maxsize=8192)
def parse_value(text: str) -> Parsed:
    t = text.strip()
    if not t:
        return Parsed(BLANK)
    if t in PLACEHOLDERS:
        return Parsed(PLACEHOLDER)
    number, unit, note = None, None, None
    m = _PLAIN.fullmatch(t)
    if m:
        number = t
    else:
        m = _WITH_UNIT.fullmatch(t)
        if m:
            number, unit = m.group(1), m.group(2)
        else:
            m = _WITH_NOTE.fullmatch(t)
            if m:
                number, note = m.group(1), (m.group(2) or m.group(3) or "").strip() or None
    if number is None:
        return Parsed(TEXT)
    if not _exact(number):
        return Parsed(UNREADABLE, note=f"「{number}」位数过多，无法精确读取")
    return Parsed(NUMBER, _number(number), unit=unit, note=note)


@functools.lru_cache(maxsize=8192)
def is_value_like(text: str) -> bool:
    t = text.strip()
    return not t or t in PLACEHOLDERS or bool(_VALUE_LIKE.fullmatch(t))


_INT_PIECE = regex.compile(r"0|[1-9][0-9]*")
_DEC_PIECE = regex.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def split_fused(run: str | Sequence[str], kinds: Sequence[str], check: Callable[[list[int | float]], bool] | None,
                limit: int = 200_000) -> list[int | float] | None:
    """All ways to cut a digit run into len(kinds) numbers with no leading zeros (decimals only where the column is
    an amount). Returns the split when exactly one satisfies `check` (the table's own sums), else None.

    `run` may be a sequence of runs ("230 000023" printed with a space): every boundary between them is a cut."""
    spans = split_fused_spans(run, kinds, check, limit)
    return None if spans is None else [v for v, _, _ in spans]


def split_fused_spans(run: str | Sequence[str], kinds: Sequence[str],
                      check: Callable[[list[int | float]], bool] | None,
                      limit: int = 200_000) -> list[tuple[int | float, int, int]] | None:
    """Like `split_fused`, but each number comes with its (start, end) in the concatenated run."""
    groups = [run] if isinstance(run, str) else list(run)
    text = "".join(groups)
    cuts: set[int] = set()
    pos = 0
    for g in groups[:-1]:
        pos += len(g)
        cuts.add(pos)
    n = len(kinds)
    found: list[list[tuple[int | float, int, int]]] = []
    steps = 0

    def walk(pos: int, acc: list[tuple[int | float, int, int]]) -> None:
        nonlocal steps
        steps += 1
        if steps > limit or len(found) > 1:
            return
        k = len(acc)
        if k == n:
            if pos == len(text) and (check is None or check([v for v, _, _ in acc])):
                found.append(list(acc))
            return
        remaining = n - k - 1
        piece_re = _DEC_PIECE if kinds[k] == "amount" else _INT_PIECE
        for end in range(pos + 1, len(text) - remaining + 1):
            piece = text[pos:end]
            if any(pos < c < end for c in cuts):
                break  # a printed boundary cannot sit inside a number
            if remaining == 0 and end != len(text):
                continue
            if not piece_re.fullmatch(piece):
                if piece[0] == "0" and "." not in piece:
                    break
                continue
            acc.append((_number(piece), pos, end))
            walk(end, acc)
            acc.pop()
            if len(found) > 1:
                return

    if text:
        walk(0, [])
    if steps > limit or len(found) != 1:
        return None
    return found[0]
