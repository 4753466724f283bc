"""A report to be written: every text and every table cell exactly as it should be printed.

Cells hold TEXT ("0", "15.8952", "", "/", "251000元"), never numbers, so a draft can carry the defects real reports
have. Drafts are values: the `with_*` / `without_*` methods return new drafts (for defect tests and benchmarks).
"""

from __future__ import annotations

import copy
import dataclasses
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gxlint.normalise import normalise_label
from gxlint.write.grid import col_ids, parts_spec, row_ids, table_specs

if TYPE_CHECKING:
    from gxlint.report import Report

NUMBERS = "一二三四五六"
CellMap = dict[str, dict[str, dict[str, str]]]

_NOTICE = {
    "2019": "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）",
    "2021": "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
            "（国办公开办函〔2021〕30号）",
}
_PART_LIST = ("总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
              "存在的主要问题及改进情况、其他需要报告的事项")


def layout_for_year(year: int) -> str:
    """The official layout a report for `year` must use: 2019–2020 → "2019", 2021 on → "2021"."""
    return "2019" if year <= 2020 else "2021"


def default_title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def period_sentence(year: int) -> str:
    return f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"


def default_intro(year: int, layout: str) -> str:
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{_NOTICE.get(layout, _NOTICE['2021'])}"
            f"要求编制。全文由{_PART_LIST}六个部分组成。{period_sentence(year)}")


def canonical_heading(number: str) -> str:
    for n, canonical in parts_spec():
        if n == number:
            return f"{n}、{canonical}"
    raise KeyError(f"no part {number!r} (一…六)")


def blank_cells(layout: str, fill: str = "0") -> CellMap:
    """Every cell of every table of the layout, each holding `fill`."""
    return {t["id"]: {r: {c: fill for c in col_ids(t)} for r in row_ids(t)} for t in table_specs(layout)}


def _t3_total(cells: CellMap, row: str) -> int:
    return _int(cells.get("t3", {}).get(row, {}).get("total", "0"))


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


# -- part texts -------------------------------------------------------------------------------------------------------

def _applications_sentence(cells: CellMap) -> str:
    r1, r2, done, r4 = (_t3_total(cells, r) for r in ("r1", "r2", "r3_7", "r4"))
    if r1 == 0 and r2 == 0:
        return "本年度未收到政府信息公开申请，无上年结转申请。"
    return (f"本年度共收到政府信息公开申请{r1}件，上年结转{r2}件，办结{done}件，结转下年度继续办理{r4}件，"
            "均在法定期限内予以答复。")


def _litigation_sentence(cells: CellMap) -> str:
    row = cells.get("t4", {}).get("data", {})
    review = _int(row.get("review_total", "0"))
    suits = _int(row.get("direct_total", "0")) + _int(row.get("after_total", "0"))
    if review == 0 and suits == 0:
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    return f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{suits}件。"


def _documents_sentence(cells: CellMap, layout: str) -> str:
    row = cells.get("t2_1", {}).get("normative", {})
    if layout == "2019":
        made, total = _int(row.get("made", "0")), _int(row.get("total", "0"))
        return f"本年度新制作规范性文件{made}件，对外公开规范性文件总数{total}件。"
    made, repealed, valid = (_int(row.get(k, "0")) for k in ("made", "repealed", "valid"))
    return f"本年度制发行政规范性文件{made}件，废止{repealed}件，现行有效{valid}件。"


def overall_text(agency: str, cells: CellMap, layout: str) -> str:
    """Part 一: the five topics 30号 names (主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障), with the numbers
    the tables hold."""
    return "\n".join([
        "（一）主动公开",
        f"{agency}坚持以公开为常态、不公开为例外，通过政府门户网站政府信息公开专栏主动公开机构职能、政策文件、"
        f"财政预决算等政府信息。{_documents_sentence(cells, layout)}",
        "（二）依申请公开",
        f"严格按照《条例》规定的程序和时限办理政府信息公开申请。{_applications_sentence(cells)}",
        "（三）政府信息管理",
        "严格落实政府信息公开发布前保密审查制度，动态更新政府信息公开指南和政府信息公开目录。",
        "（四）政府信息公开平台建设",
        "持续加强政府门户网站政府信息公开平台建设，优化栏目设置，确保信息发布及时、准确、规范。",
        "（五）监督保障",
        "将政府信息公开工作纳入年度工作考核，主动接受社会评议和监督，本年度未发生因政府信息公开工作引起的责任追究情况。"
        + _litigation_sentence(cells),
    ])


def problems_text(agency: str, year: int, layout: str) -> str:
    """Part 五: problems and improvement measures (and, for the 2021 layout, last year's problems followed up)."""
    lines = [
        "本年度政府信息公开工作取得了一定成效，但仍存在一些问题和不足：一是政策解读形式不够丰富，二是部分信息公开的及时性有待提高。",
        f"下一步，{agency}将采取以下改进措施：一是丰富政策解读形式，提升解读质量；二是健全信息发布审核机制，确保政府信息公开及时、准确。",
    ]
    if layout != "2019":
        lines.append(f"对{year - 1}年度报告中提出的问题，已逐项落实整改。")
    return "\n".join(lines)


def other_text(year: int, layout: str, notices: int = 0, unpaid: int = 0, fee_per_notice: int = 100) -> str:
    """Part 六. 2021 layout: the 信息处理费 (国办函〔2020〕109号)."""
    if layout == "2019":
        return "本年度无其他需要报告的事项。"
    if notices == 0:
        return "本年度未收取信息处理费。"
    paid = notices - unpaid
    return (f"本年度共发出信息处理费收费通知{notices}件，申请人逾期未缴纳费用{unpaid}件，"
            f"实际收取信息处理费{paid * fee_per_notice}元。")


# -- the draft ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    agency: str
    year: int
    layout: str  # "2019" | "2021"
    title: str
    intro: str
    parts: dict[str, str]  # numeral 一…六 → body text, paragraphs separated by "\n"; a part not here is omitted
    cells: CellMap  # table id → row id → column id → printed text; a table not here is not drawn
    signature: str  # the closing signature (the agency)
    date: str  # the closing date as printed ("2025年1月20日"); "" for none
    headings: dict[str, str] = field(default_factory=dict)  # numeral → heading as printed, when not canonical

    # -- constructors -------------------------------------------------------------------------------------------------

    @classmethod
    def blank(cls, year: int, agency: str = "某某县人民政府", layout: str | None = None) -> Draft:
        """A complete report for `year` in its official layout with every cell "0" and texts that cover every
        required topic."""
        lay = layout or layout_for_year(year)
        cells = blank_cells(lay)
        parts = {
            "一": overall_text(agency, cells, lay),
            "二": "",
            "三": "",
            "四": "",
            "五": problems_text(agency, year, lay),
            "六": other_text(year, lay),
        }
        return cls(agency=agency, year=year, layout=lay, title=default_title(agency, year),
                   intro=default_intro(year, lay), parts=parts, cells=cells, signature=agency,
                   date=f"{year + 1}年1月20日")

    @classmethod
    def consistent_random(cls, rng: random.Random, year: int, agency: str = "某某县人民政府",
                          layout: str | None = None, scale: int = 40) -> Draft:
        """Random numbers that satisfy every arithmetic relation of the tables (row totals, （七）总计 = Σ results,
        一 + 二 = （七） + 四 per column, 表四 totals), and texts that state the same numbers. `scale` bounds the
        number of applications per applicant column."""
        lay = layout or layout_for_year(year)
        cells = blank_cells(lay)
        _random_t2(rng, cells, lay)
        _random_t3(rng, cells, scale)
        _random_t4(rng, cells)
        unpaid = _t3_total(cells, "r3_6_2") if "r3_6_2" in cells["t3"] else 0
        notices = unpaid + (rng.randint(0, 3) if rng.random() < 0.5 else 0)
        parts = {
            "一": overall_text(agency, cells, lay),
            "二": "",
            "三": "",
            "四": "",
            "五": problems_text(agency, year, lay),
            "六": other_text(year, lay, notices, unpaid),
        }
        return cls(agency=agency, year=year, layout=lay, title=default_title(agency, year),
                   intro=default_intro(year, lay), parts=parts, cells=cells, signature=agency,
                   date=f"{year + 1}年1月{rng.randint(5, 28)}日")

    @classmethod
    def from_report(cls, report: Report) -> Draft:
        """What recognition found, as a draft: texts as printed (lines of running text; a pdf's wrapped lines
        rejoined), cells as printed. Table captions and cells are not part texts."""
        if report.year is None:
            raise ValueError("the report's year was not recognised")
        lay = report.layout if report.layout in ("2019", "2021") else layout_for_year(report.year)
        agency = report.agency or ""
        lines = _text_lines(report)
        first = report.parts[0].start if report.parts else len(report.text)
        title = normalise_label(report.title or "")
        intro = "\n".join(raw for _, end, norm, raw in lines if end <= first and not _is_title(norm, title))
        captions = {normalise_label(t["caption"]) for t in table_specs(lay) if t.get("caption")}
        parts: dict[str, str] = {}
        headings: dict[str, str] = {}
        signature, date = agency, ""
        for i, p in enumerate(report.parts):
            body = [(norm, raw) for start, end, norm, raw in lines if p.body_start <= start and end <= p.end
                    and normalise_label(norm) not in captions]
            if i == len(report.parts) - 1 and report.closing_mention is not None:
                k = next((j for j, (norm, _) in enumerate(body) if report.closing_mention.text in norm), None)
                if k is not None:
                    date = body[k][1]
                    prev = body[k - 1][1] if k > 0 else ""
                    if prev and len(prev) <= 40 and not any(ch in prev for ch in "。；;"):
                        signature = prev
                        k -= 1
                    body = body[:k]
            parts[p.number] = "\n".join(raw for _, raw in body)
            heading = report.text[p.start:p.body_start].strip()
            if not p.canonical or normalise_label(heading) != normalise_label(canonical_heading(p.number)):
                headings[p.number] = heading
        cells: CellMap = {}
        for t in table_specs(lay):
            found = report.tables.get(t["id"])
            if found is None or not found.found:
                continue
            cells[t["id"]] = {}
            for r in row_ids(t):
                cells[t["id"]][r] = {}
                for c in col_ids(t):
                    cell = found.cell(r, c)
                    cells[t["id"]][r][c] = cell.raw if cell is not None else ""
        return cls(agency=agency, year=report.year, layout=lay, title=report.title or default_title(agency, report.year),
                   intro=intro, parts=parts, cells=cells, signature=signature, date=date, headings=headings)

    # -- reading ------------------------------------------------------------------------------------------------------

    def heading(self, number: str) -> str:
        return self.headings.get(number) or canonical_heading(number)

    def cell(self, table: str, row: str, col: str) -> str:
        return self.cells[table][row][col]

    def iter_cells(self) -> Iterable[tuple[str, str, str, str]]:
        for t, rows in self.cells.items():
            for r, cols in rows.items():
                for c, text in cols.items():
                    yield t, r, c, text

    # -- variants (defects) -----------------------------------------------------------------------------------------

    def with_cell(self, table: str, row: str, col: str, text: str) -> Draft:
        """This draft with one cell printed as `text` ("", "/", "-", "3件", "12.5" …)."""
        if col not in self.cells[table][row]:
            raise KeyError(f"{table}.{row} has no column {col!r}")
        cells = copy.deepcopy(self.cells)
        cells[table][row][col] = text
        return dataclasses.replace(self, cells=cells)

    def with_part(self, number: str, text: str) -> Draft:
        """This draft with part `number`'s body replaced (or the part added back)."""
        canonical_heading(number)
        parts = dict(self.parts)
        parts[number] = text
        return dataclasses.replace(self, parts=dict(sorted(parts.items(), key=lambda kv: NUMBERS.index(kv[0]))))

    def without_part(self, number: str, keep_tables: bool = False) -> Draft:
        """This draft without part `number` (heading and text); its tables go too unless `keep_tables`."""
        canonical_heading(number)
        parts = {k: v for k, v in self.parts.items() if k != number}
        cells = self.cells
        if not keep_tables:
            own = {t["id"] for t in table_specs(self.layout) if t.get("part") == number}
            cells = {k: copy.deepcopy(v) for k, v in self.cells.items() if k not in own}
        return dataclasses.replace(self, parts=parts, cells=cells)

    def without_table(self, table: str) -> Draft:
        return dataclasses.replace(self, cells={k: copy.deepcopy(v) for k, v in self.cells.items() if k != table})

    def with_heading(self, number: str, heading: str) -> Draft:
        """This draft with part `number`'s heading printed as `heading` (a variant or misnumbered heading)."""
        canonical_heading(number)
        return dataclasses.replace(self, headings={**self.headings, number: heading})

    def with_title(self, title: str) -> Draft:
        return dataclasses.replace(self, title=title)

    def with_intro(self, intro: str) -> Draft:
        return dataclasses.replace(self, intro=intro)

    def with_closing(self, signature: str, date: str) -> Draft:
        return dataclasses.replace(self, signature=signature, date=date)


_TERMINAL = "。；;！!？?：:"


def _is_title(line: str, title: str) -> bool:
    """A line of the title (a title may be broken over lines, or carry a markdown marker)."""
    flat = normalise_label(line)
    return bool(title) and bool(flat) and (flat in title or title in flat)


def _text_lines(report: Report) -> list[tuple[int, int, str, str]]:
    """The running-text lines of a report (table cells left out): (start and end offsets, normalised text, text as printed).
    In a pdf, a line that fills the measure and does not end a sentence continues on the next line: they are
    rejoined."""
    text = report.text
    out: list[tuple[int, int, str, str]] = []
    for start, end, _origin, raw in report.segments:
        if end < len(text) and text[end] == "\n" and raw.strip():
            out.append((start, end, text[start:end], raw.strip()))
    if report.format != "pdf" or not out:
        return out
    full = max(_width(raw) for *_, raw in out)
    joined: list[tuple[int, int, str, str]] = []
    wrapped = False
    for start, end, norm, raw in out:
        if wrapped and joined:
            s0, _, n0, r0 = joined[-1]
            joined[-1] = (s0, end, n0 + norm, r0 + raw)
        else:
            joined.append((start, end, norm, raw))
        wrapped = _width(raw) >= full - 3 and raw[-1] not in _TERMINAL
    return joined


def _width(line: str) -> float:
    """A line's printed width in em: ASCII is half as wide as a Chinese character."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in line)


# -- random but consistent numbers -----------------------------------------------------------------------------------

_T3_WEIGHT = {"natural": 1.0, "business": 0.5, "research": 0.1, "charity": 0.1, "legal": 0.25, "other": 0.3}
_T3_COMMON = {"r3_1": 6.0, "r3_2": 1.5, "r3_4_1": 3.0, "r3_4_2": 0.6, "r3_5_1": 0.6, "r3_5_2": 0.5}


def _random_t3(rng: random.Random, cells: CellMap, scale: int) -> None:
    t3 = cells["t3"]
    rows = list(t3)
    leaves = [r for r in rows if r.startswith("r3_") and r != "r3_7"]
    cols = [c for c in t3["r1"] if c != "total"]
    for c in cols:
        if rng.random() > min(1.0, 0.35 + _T3_WEIGHT.get(c, 0.2)):
            continue  # a column with no applications at all
        n = rng.randint(0, max(1, int(scale * _T3_WEIGHT.get(c, 0.2))))
        weights = [(_T3_COMMON.get(r, 0.15) if rng.random() < 0.8 else 0.0) for r in leaves]
        counts = dict.fromkeys(leaves, 0)
        if n and sum(weights) > 0:
            for r in rng.choices(leaves, weights=weights, k=n):
                counts[r] += 1
        done = sum(counts.values())
        carried_out = rng.randint(0, 3) if done and rng.random() < 0.4 else 0
        carried_in = rng.randint(0, min(3, done + carried_out)) if rng.random() < 0.4 else 0
        for r, v in counts.items():
            t3[r][c] = str(v)
        t3["r3_7"][c] = str(done)
        t3["r4"][c] = str(carried_out)
        t3["r2"][c] = str(carried_in)
        t3["r1"][c] = str(done + carried_out - carried_in)
    for r in rows:
        t3[r]["total"] = str(sum(int(t3[r][c]) for c in cols))


def _random_t4(rng: random.Random, cells: CellMap) -> None:
    row = cells["t4"]["data"]
    for group in ("review", "direct", "after"):
        subs = [c for c in row if c.startswith(group + "_") and c != f"{group}_total"]
        total = 0
        for c in subs:
            v = rng.choice([0, 0, 0, 1, 1, 2, 3]) if rng.random() < 0.6 else 0
            row[c] = str(v)
            total += v
        row[f"{group}_total"] = str(total)


def _random_t2(rng: random.Random, cells: CellMap, layout: str) -> None:
    def put(table: str, row: str, col: str, value: int | str) -> None:
        if table in cells and row in cells[table] and col in cells[table][row]:
            cells[table][row][col] = str(value)

    # 规章 are made only by 设区的市 and above: a county-level draft keeps that row 0
    if layout == "2019":
        made = rng.randint(0, 30)
        put("t2_1", "normative", "made", made)
        put("t2_1", "normative", "published", made)
        put("t2_1", "normative", "total", made + rng.randint(0, 300))
        for table, rows in (("t2_5", ("licensing", "other_services")), ("t2_6", ("penalty", "coercion")),
                            ("t2_8", ("fees",))):
            for r in rows:
                prev = rng.randint(0, 300)
                put(table, r, "prev_items", prev)
                put(table, r, "change", rng.randint(-min(prev, 10), 10))
                put(table, r, "decisions", rng.randint(0, 3000))
        count = rng.randint(0, 20)
        put("t2_9", "procurement", "count", count)
        put("t2_9", "procurement", "amount", f"{rng.uniform(1, 5000):.2f}" if count else "0")
        return
    made = rng.randint(0, 30)
    repealed = rng.randint(0, 10)
    put("t2_1", "normative", "made", made)
    put("t2_1", "normative", "repealed", repealed)
    put("t2_1", "normative", "valid", made + rng.randint(repealed, 300))
    put("t2_5", "licensing", "decisions", rng.randint(0, 5000))
    put("t2_6", "penalty", "decisions", rng.randint(0, 2000))
    put("t2_6", "coercion", "decisions", rng.randint(0, 100))
    amount = f"{rng.uniform(0, 2000):.4f}".rstrip("0").rstrip(".")
    put("t2_8", "fees", "fee_amount", amount if rng.random() < 0.8 else "0")
