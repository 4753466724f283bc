"""Generate N realistic annual reports for benchmarks: agencies with several years each, numbers that add up
(gxlint's writer, `Draft.consistent_random`) and connect from one year to the next as a real agency's do (表三's
carry-over is last year's 结转下年度, 表二's 现行有效件数 rolls forward) except in about one report in thirty, part
texts drawn from a bank of sentences real reports use (so reports of different agencies are alike but not copies),
and about one report in eight with a defect real reports have.

    python benchmarks/generate.py OUT_DIR --format txt --count 1000 [--seed 1]

docx and pdf are slow to write (seconds each), so N reports of those formats are made from a few distinct drafts,
each copy given unique bytes (a zip comment, a PDF comment after %%EOF) so that the cache sees N different files
while gxlint still reads and checks every one in full.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import random
import zipfile
from pathlib import Path
from typing import Any

FORMATS = ("txt", "md", "html", "docx", "pdf")
SLOW = {"docx": 12, "pdf": 6}  # distinct drafts written for these formats; the rest are byte-distinct copies

PROVINCES = ["江苏", "浙江", "福建", "广东", "四川", "湖南", "山东", "河南", "安徽", "江西", "云南", "陕西"]
PLACES = "东西南北中新安平宁和兴华阳山河湖海泉城丰明清溪云林石桥川江"
OFFICES = ["人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "财政局", "人力资源和社会保障局", "自然资源局",
           "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康委员会", "市场监督管理局", "审计局",
           "司法局", "民政局", "应急管理局", "统计局", "医疗保障局", "退役军人事务局"]
OVERALL = [
    "本年度，我单位深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。",
    "围绕优化营商环境，集中公开涉企政策{n}项，并在门户网站开设政策解读专栏。",
    "依申请公开方面，严格执行登记、审核、答复流程，所有申请均在法定期限内答复。",
    "政府信息管理方面，开展规范性文件清理工作，对{n}件文件进行了合法性审查。",
    "平台建设方面，政府网站完成集约化改版，新媒体矩阵累计发布信息{n}条。",
    "监督保障方面，将政务公开纳入年度绩效考核，组织专题培训{k}次，参训人员{n}人次。",
    "重点领域信息公开方面，及时公开财政预决算、重大建设项目和公共资源配置信息。",
    "政策解读方面，坚持政策文件与解读材料同步起草、同步审签、同步发布，全年发布解读材料{n}篇。",
    "回应关切方面，通过政务服务热线和网上留言办理群众诉求{n}件，办结率百分之百。",
    "政务公开标准化规范化建设持续推进，基层政务公开事项目录完成动态调整。",
    "主动公开人事任免、行政许可、行政处罚等信息，公开情况接受社会监督。",
    "加强政府信息公开保密审查，未发生泄密事件，也未发生因公开不当引发的舆情。",
    "推进决策公开，重大行政决策事项在决策前向社会公开征求意见{k}次。",
    "建设政府开放数据平台，新增开放数据集{n}个，覆盖教育、交通、医疗等领域。",
]
PROBLEMS = [
    "一是部分单位对政务公开工作重视不够，信息更新不够及时。",
    "二是政策解读形式较为单一，图解、视频等多样化解读较少。",
    "三是基层政务公开标准化规范化水平仍需提高。",
    "四是依申请公开答复文书的规范性有待加强。",
    "下一步，我单位将加强业务培训，完善考核机制，丰富解读形式，提升公开质量。",
    "针对上述问题，将建立信息发布审核台账，定期开展栏目巡查，发现问题及时整改。",
    "同时，强化与新闻媒体的沟通协作，扩大政策传播覆盖面。",
]


SUBJECTS = ["门户网站", "政务新媒体", "政务服务中心", "档案馆", "图书馆查阅点", "政策文件库", "公开专栏", "12345热线",
            "信息公开指南", "基层公开目录", "新闻发布会", "政府公报", "融媒体中心", "意见征集平台", "数据开放平台"]
VERBS = ["完成改版升级", "新增专题栏目", "建立更新台账", "实行周巡查制度", "开展季度自查", "引入第三方评估",
         "优化检索功能", "实现适老化改造", "上线无障碍浏览", "对接省级平台", "开通留言回复", "完善发布审核流程",
         "推行清单化管理", "开展专项整治", "组织业务比武"]
TOPICS = ["乡村振兴", "教育医疗", "就业创业", "养老服务", "生态环境", "安全生产", "食品药品", "住房保障", "交通出行",
          "防汛抗旱", "招商引资", "科技创新", "文化旅游", "社会救助", "城市更新", "营商环境", "财政资金", "征地拆迁"]
TAILS = ["群众满意度明显提升", "社会反响良好", "受到上级部门通报表扬", "有效回应了社会关切", "进一步扩大了公众参与",
         "推动了工作落实", "提升了政府公信力", "形成了可复制的经验", "相关做法被省级媒体报道", "为企业群众办事提供便利"]


def sentence(rng: random.Random) -> str:
    """One of some 40,000 sentences an overview might say: agencies' texts overlap as real ones do (shared phrases),
    without being copies."""
    return (f"{rng.choice(TOPICS)}领域，{rng.choice(SUBJECTS)}{rng.choice(VERBS)}，"
            f"围绕{rng.choice(TOPICS)}发布信息{rng.randint(5, 500)}条，{rng.choice(TAILS)}。")


def agencies(rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        name = rng.choice(PROVINCES) + "省" + "".join(rng.sample(PLACES, 2)) + rng.choice(["县", "市", "区"]) + \
            rng.choice(OFFICES)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _text(rng: random.Random, bank: list[str], k: int) -> str:
    picked = rng.sample(bank, k)
    return "".join(s.format(n=rng.randint(3, 900), k=rng.randint(1, 12)) for s in picked)


def follow(d: Any, prev: Any) -> Any:
    """`d` made to connect with last year's draft `prev` of the same agency: each 表三 column's 上年结转 is last year's
    结转下年度 (本年新收, or if need be 结转下年度, adjusted so the column still balances) and 表二's 现行有效件数 is
    last year's plus this year's 制发 minus 废止; the overview restated with the new numbers."""
    from gxlint.write.draft import overall_text

    if d.layout != prev.layout:
        return d
    cells = copy.deepcopy(d.cells)
    t3, before = cells["t3"], prev.cells["t3"]
    cols = [c for c in t3["r1"] if c != "total"]
    for c in cols:
        carried_in = int(before["r4"][c])
        done, carried_out = int(t3["r3_7"][c]), int(t3["r4"][c])
        carried_out = max(carried_out, carried_in - done)  # nothing is received out of thin air: r1 ≥ 0
        t3["r2"][c], t3["r4"][c] = str(carried_in), str(carried_out)
        t3["r1"][c] = str(done + carried_out - carried_in)
    for r in ("r1", "r2", "r4"):
        t3[r]["total"] = str(sum(int(t3[r][c]) for c in cols))
    if d.layout == "2021":
        for row in ("rules", "normative"):
            now, last = cells["t2_1"][row], prev.cells["t2_1"][row]
            if not all(v.isdigit() for v in (now["made"], now["repealed"], last["valid"])):
                continue
            repealed = min(int(now["repealed"]), int(last["valid"]) + int(now["made"]))
            now["repealed"] = str(repealed)
            now["valid"] = str(int(last["valid"]) + int(now["made"]) - repealed)
    d = dataclasses.replace(d, cells=cells)
    return d.with_part("一", overall_text(d.agency, cells, d.layout))


def draft(rng: random.Random, agency: str, year: int, long: bool = False, prev: Any = None) -> Any:
    """One report: consistent numbers (connected to `prev`, last year's draft, in 29 reports of 30), varied texts,
    and one report in eight with a defect."""
    from gxlint.write.draft import Draft

    d = Draft.consistent_random(rng, year, agency=agency)
    if prev is not None and rng.random() >= 1 / 30:
        d = follow(d, prev)
    repeat = 5 if long else 1  # long: five pages of PDF
    own = "".join(sentence(rng) for _ in range(rng.randint(6, 12) * repeat))
    d = d.with_part("一", d.parts.get("一", "") + "\n" + _text(rng, OVERALL, rng.randint(3, 6)) + own)
    d = d.with_part("五", "".join(_text(rng, PROBLEMS, rng.randint(3, 6)) for _ in range(repeat)) +
                    "".join(sentence(rng) for _ in range(2 * repeat)))
    roll = rng.random()
    if roll < 0.05:  # a row total that does not add up
        cur = d.cell("t3", "r1", "total") or "0"
        d = d.with_cell("t3", "r1", "total", str(int(cur) + rng.randint(1, 5)) if cur.isdigit() else "1")
    elif roll < 0.08:  # last year's title left in place
        d = d.with_title(f"{agency}{year - 1}年政府信息公开工作年度报告")
    elif roll < 0.10:  # a part missing
        d = d.without_part("五")
    elif roll < 0.125:  # "若干" instead of a number
        d = d.with_cell("t2_1", "normative", "made", "若干")
    return d


def generate(out: Path, fmt: str, count: int, seed: int = 1, years: tuple[int, ...] = (2021, 2022, 2023, 2024)
             ) -> list[Path]:
    from gxlint.write import write

    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = agencies(rng, max(1, count // len(years) + 1))
    plan = [(a, y) for a in names for y in years][:count]
    paths: list[Path] = []
    last: dict[str, Any] = {}  # each agency's draft of the year before

    def make(a: str, y: int, long: bool = False) -> Any:
        d = last[a] = draft(rng, a, y, long=long, prev=last.get(a))
        return d

    if fmt in SLOW:
        bases = [write(make(a, y, long=fmt == "pdf"), fmt) for a, y in plan[:SLOW[fmt]]]
        for i, (_a, y) in enumerate(plan):
            p = out / f"{i:05d}_{y}.{fmt}"
            p.write_bytes(bases[i % len(bases)])
            _make_unique(p, fmt, i)
            paths.append(p)
        return paths
    for i, (a, y) in enumerate(plan):
        p = out / f"{i:05d}_{y}.{fmt}"
        p.write_bytes(write(make(a, y), fmt))
        paths.append(p)
    return paths


def _make_unique(path: Path, fmt: str, i: int) -> None:
    if fmt == "docx":
        with zipfile.ZipFile(path, "a") as z:
            z.comment = f"gxlint benchmark copy {i}".encode()
    elif fmt == "pdf":
        with open(path, "ab") as fh:
            fh.write(f"\n%gxlint benchmark copy {i}\n".encode())


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--format", choices=FORMATS, default="txt")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.out, args.format, args.count, args.seed)
    print(f"{len(paths)} {args.format} reports in {args.out}")


if __name__ == "__main__":
    main()
