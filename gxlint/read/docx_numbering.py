"""Word's automatic list numbering, as the docx walkers put it before a paragraph's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from gxlint.read.docx_xml import _NUM_PR, _P_PR, _P_STYLE, _W, _child, _int_attr, _val

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 23 → 二十三 (Word's chineseCounting, up to 99)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else (ten if tens == 1 else digits[tens] + ten)
    return head + (digits[units] if units else "")


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                       (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += sym
            n -= value
    return out


# Word's lettered lists repeat the letter (…, z, aa, bb, …): a label grows with its number, so past this many
# letters the number is printed as digits, like _roman past 3999 — a list item numbered from a hostile w:start, or
# the 200,000th item, must not make a label of millions of characters for every paragraph
MAX_LETTERS = 10
# Word's own range for a list's start value; a file may write any integer (thousands of digits) there
START_LIMIT = 32767
# a level's number format ("%1、", "（%2）") is a few characters; a longer one is cut here, as it is drawn before
# every paragraph of its list
MAX_LEVEL_TEXT = 64


def _letters(n: int) -> str:
    if n <= 0 or n > 26 * MAX_LETTERS:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _start(el: etree._Element | None) -> int:
    """A level's w:start or an override's w:startOverride, within Word's range."""
    return max(-START_LIMIT, min(_int_attr(el, 1), START_LIMIT))


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting", "koreanCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾")
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _ZODIAC[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        s = _letters(n)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s.upper() if fmt == "upperRoman" else s
    return str(n)


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str


class _Numbering:
    """Word's automatic list numbering ("一、" before a heading is often not in the text at all): w:numPr on the
    paragraph or its style chain → w:num → w:abstractNum level → lvlText with %1…%9 filled from counters.
    Counters are kept per abstract list, as Word continues a list across w:num instances that share one."""

    def __init__(self, numbering: Callable[[], etree._Element | None],
                 styles: Callable[[], etree._Element | None]) -> None:
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.levels: dict[str, dict[int, _Level]] = {}
        self._styles_loader: Callable[[], etree._Element | None] | None = styles
        self._styles: dict[str, etree._Element] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._load_numbering(numbering())

    @property
    def styles(self) -> dict[str, etree._Element]:
        """Paragraph styles by id, parsed on first use: most documents never look one up for numbering."""
        if self._styles_loader is not None:
            root, self._styles_loader = self._styles_loader(), None
            if root is not None:
                for style in root.iter(_W + "style"):
                    sid = style.get(_W + "styleId")
                    if sid:
                        self._styles[sid] = style
        return self._styles

    def _load_numbering(self, root: etree._Element | None) -> None:
        if root is None:
            return
        for abstract in root.iter(_W + "abstractNum"):
            aid = abstract.get(_W + "abstractNumId") or ""
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0")) if (lvl.get(_W + "ilvl") or "0").isdigit() else 0
                fmt_el, text_el, suff_el = _child(lvl, _W + "numFmt"), _child(lvl, _W + "lvlText"), _child(lvl, _W + "suff")
                levels[ilvl] = _Level(
                    start=_start(_child(lvl, _W + "start")),
                    fmt=fmt_el.get(_W + "val", "decimal") if fmt_el is not None else "decimal",
                    text=text_el.get(_W + "val", "")[:MAX_LEVEL_TEXT] if text_el is not None else "",
                    suffix=suff_el.get(_W + "val", "tab") if suff_el is not None else "tab",
                )
            self.levels[aid] = levels
        for num in root.iter(_W + "num"):
            ref = _child(num, _W + "abstractNumId")
            if ref is None:
                continue
            overrides = {}
            for ov in num.iter(_W + "lvlOverride"):
                start = _child(ov, _W + "startOverride")
                if start is not None and (ov.get(_W + "ilvl") or "").isdigit():
                    overrides[int(ov.get(_W + "ilvl"))] = _start(start)
            self.nums[num.get(_W + "numId") or ""] = (ref.get(_W + "val") or "", overrides)

    def _num_pr(self, p_pr: etree._Element | None) -> tuple[str, int] | None:
        """(numId, level) from the paragraph's w:pPr, else from its style and the styles it is based on."""
        if p_pr is None:
            return None
        num_id: str | None = None
        ilvl: int | None = None
        num_pr = p_style = None
        for child in p_pr:  # the first w:numPr and w:pStyle, in one pass
            tag = child.tag
            if tag == _NUM_PR:
                num_pr = num_pr if num_pr is not None else child
            elif tag == _P_STYLE:
                p_style = p_style if p_style is not None else child
        if num_pr is not None:
            num_id = _val(_child(num_pr, _W + "numId"))
            ilvl_el = _child(num_pr, _W + "ilvl")
            ilvl = _int_attr(ilvl_el, 0) if ilvl_el is not None else None
        style_id = _val(p_style)
        seen: set[str] = set()
        while num_id is None and style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            # style.find("w:pPr/w:numPr"): the first numPr under any pPr child
            num_pr = next((n for pp in style.iterchildren(_P_PR) for n in pp.iterchildren(_NUM_PR)), None)
            if num_pr is not None:
                num_id = _val(_child(num_pr, _W + "numId"))
                ilvl_el = _child(num_pr, _W + "ilvl")
                if ilvl is None and ilvl_el is not None:
                    ilvl = _int_attr(ilvl_el, 0)
            style_id = _val(_child(style, _W + "basedOn"))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        return num_id, max(0, min(ilvl or 0, 8))

    def label(self, p_pr: etree._Element | None) -> str:
        """The number Word draws before the paragraph with this w:pPr ("" when it has none); advances the list's
        counters."""
        if not self.nums:  # no list at all: nothing to look up (and the styles stay unparsed)
            return ""
        found = self._num_pr(p_pr)
        if found is None:
            return ""
        num_id, ilvl = found
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid, {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(aid, {})
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new item restarts its sub-lists
        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                sub = levels.get(k)
                value = counters.get(k, overrides.get(k, sub.start if sub else 1))
                text = text.replace(f"%{k + 1}", _format_number(value, sub.fmt if sub else "decimal"))
        return text + {"space": " ", "nothing": ""}.get(level.suffix, "\t")
