"""Regenerate the sample reports in examples/ with gxlint's own writer.

    python examples/make_examples.py

Every report is made from a Draft whose numbers satisfy every relation of the tables (Draft.consistent_random with a
fixed seed) and whose texts state the same numbers; the defective ones then get exactly one typical defect.
examples/README.md lists what `gxlint check examples/` reports for each (tests/test_examples.py checks it).
Texts differ from agency to agency so the batch's copy detection (GX804) has nothing to say.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gxlint.write import write  # noqa: E402
from gxlint.write.draft import Draft, default_intro, default_title, other_text, problems_text  # noqa: E402

# Part 一 of the 2021 layout covers five topics (主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障); each
# agency describes its year in its own words. {docs}, {apps}, {suits} are sentences with the tables' numbers.
PROSE = {
    "qingshan": (
        "（一）主动公开\n青山县围绕乡村振兴和民生实事，重点公开了农业补贴发放、义务教育招生和医保待遇调整等信息，"
        "全年在县政府门户网站发布各类信息一千二百余条。{docs}\n"
        "（二）依申请公开\n县政府办公室统一受理依申请公开事项，实行登记、拟办、审核、答复全流程台账管理。{apps}\n"
        "（三）政府信息管理\n开展政策文件集中清理，对失效文件及时标注，动态调整主动公开基本目录。\n"
        "（四）政府信息公开平台建设\n完成政府网站集约化迁移，政务新媒体账号全部纳入统一监管。\n"
        "（五）监督保障\n县政务公开领导小组每季度听取工作汇报，全年组织业务培训三场。{suits}"),
    "linjiang": (
        "（一）主动公开\n临江市教育局以“阳光招生”为抓手，及时发布中小学招生政策、学区划分和收费标准，"
        "主动回应家长关切。{docs}\n"
        "（二）依申请公开\n局办公室明确专人负责申请登记和答复，对涉及第三方的申请依法征求意见。{apps}\n"
        "（三）政府信息管理\n建立公开前保密审查和合法性审查双审制度，全年未发生泄密事件。\n"
        "（四）政府信息公开平台建设\n优化教育局网站信息公开专栏，新增“办事指南”和“政策问答”子栏目。\n"
        "（五）监督保障\n把政务公开纳入局属学校年度考核，邀请家长代表开展满意度评议。{suits}"),
    "beihu": (
        "北湖区人民政府认真贯彻《条例》，以公开促落实、促规范、促服务。全年通过区政府网站公开财政预决算、"
        "重大建设项目批准和实施、公共资源配置等领域信息，政策解读与文件同步发布。{docs}"
        "区政府办公室规范依申请公开办理流程，答复文书统一使用标准格式。{apps}"
        "区政务公开办每半年通报一次各单位公开情况，并将结果纳入绩效考核。{suits}"),
    "shimen": (
        "（一）主动公开\n石门县交通运输局重点公开农村公路建设养护、客运班线调整和道路运输行政许可结果，"
        "做到应公开尽公开。{docs}\n"
        "（二）依申请公开\n局机关严格依照《条例》规定的期限答复，对内容不明确的申请一次性告知补正事项。{apps}\n"
        "（三）政府信息管理\n对局网站历史信息开展全面排查，撤除过期链接，更新办事指南二十余项。\n"
        "（四）政府信息公开平台建设\n在局网站开设“交通项目”专题，集中展示项目招投标和进度信息。\n"
        "（五）监督保障\n局党组会专题研究政务公开工作，设立意见箱和监督电话。{suits}"),
    "hexi": (
        "（一）主动公开\n河西区聚焦城市更新和老旧小区改造，公开改造计划、资金安排和施工进度，"
        "组织政府开放日活动四次。{docs}\n"
        "（二）依申请公开\n区政府办公室牵头会商疑难申请，全年召开研判会六次，答复口径统一规范。{apps}\n"
        "（三）政府信息管理\n推进政务公开标准化规范化，编制二十六个领域的公开事项标准目录。\n"
        "（四）政府信息公开平台建设\n区政府网站上线无障碍浏览和适老化改造，方便老年人查阅信息。\n"
        "（五）监督保障\n区人大代表和政协委员受邀评议政务公开工作，提出的意见已逐条整改。{suits}"),
    "nanhu": (
        "（一）主动公开\n南湖街道办事处公开辖区社区服务、低保救助和民生项目信息，在各社区设置公开栏。{docs}\n"
        "（二）依申请公开\n街道党政办负责受理申请，建立申请办理台账，做到件件有回音。{apps}\n"
        "（三）政府信息管理\n明确各科室信息发布审核责任人，信息发布实行三级审核。\n"
        "（四）政府信息公开平台建设\n依托区政府网站街道专栏和微信公众号同步发布信息。\n"
        "（五）监督保障\n街道纪工委对公开工作开展日常监督，全年开展专项检查两次。{suits}"),
    "dongshan": (
        "（一）主动公开\n东山县卫生健康委员会及时公开医疗机构执业许可、传染病防控和健康科普信息，"
        "发布疫苗接种安排等便民信息三百余条。{docs}\n"
        "（二）依申请公开\n委办公室会同相关科室研究答复，涉及个人隐私的信息依法不予公开。{apps}\n"
        "（三）政府信息管理\n开展卫生健康领域政策文件梳理，规范文件公开属性源头认定。\n"
        "（四）政府信息公开平台建设\n在县政府网站卫健专栏增设“健康服务地图”，群众可在线查询医疗机构。\n"
        "（五）监督保障\n委党组将政务公开列入年度重点工作，组织全系统业务培训。{suits}"),
    "xiling": (
        "（一）主动公开\n西岭市市场监督管理局公开食品药品抽检结果、企业登记信息和行政处罚决定，"
        "在“双随机、一公开”监管中全面公示抽查结果。{docs}\n"
        "（二）依申请公开\n局法规科统筹依申请公开答复，对复杂申请组织法律顾问审核。{apps}\n"
        "（三）政府信息管理\n修订信息公开工作制度，明确公开、不公开和依申请公开的范围。\n"
        "（四）政府信息公开平台建设\n局网站与市政府网站数据同源发布，新增企业信用信息查询入口。\n"
        "（五）监督保障\n聘请社会监督员十名，对公开工作提出改进建议。{suits}"),
    "pingan": (
        "平安县人民政府坚持以公开为常态，全年通过县政府网站发布政府信息二千余条，重点公开脱贫攻坚、"
        "财政资金使用和重大项目建设信息。{docs}"
        "县政府办公室规范依申请公开工作流程，按时答复申请人。{apps}"
        "县政务公开领导小组加强督查，把公开工作纳入目标责任考核。{suits}"),
    "yuntai": (
        "（一）主动公开\n云台县司法局公开法律援助、人民调解和公共法律服务信息，编印普法宣传资料五千份。{docs}\n"
        "（二）依申请公开\n局办公室规范申请接收、登记、办理、答复各环节。{apps}\n"
        "（三）政府信息管理\n建立政府信息公开保密审查台账，公开前逐件审查。\n"
        "（四）政府信息公开平台建设\n在县政府网站开设“公共法律服务”专栏，提供在线法律咨询入口。\n"
        "（五）监督保障\n将政务公开纳入局机关绩效考核，主动接受社会监督。{suits}"),
}

PROBLEMS = {
    "qingshan": "一是部分乡镇信息更新不够及时；二是政策解读以文字为主，图解、视频较少。下一步将建立乡镇信息更新提醒机制，"
                "推出图解和短视频解读。",
    "linjiang": "一是学校信息公开标准不统一；二是部分解读材料专业性强、可读性弱。下一步将制定局属学校公开清单，"
                "用通俗语言解读招生政策。",
    "beihu": "存在的问题：个别部门公开内容不够全面，解读形式比较单一。改进措施：开展专项督查，推行图文解读。",
    "shimen": "一是项目进度信息更新滞后；二是办事指南要素不全。下一步将落实专人更新项目信息，逐项完善办事指南。",
    "hexi": "一是部分街道公开栏内容陈旧；二是依申请公开答复文书说理不够充分。下一步将开展公开栏清理，"
            "组织答复文书评查。",
    "nanhu": "一是社区公开栏管理不够规范；二是信息发布审核偶有延误。下一步将统一公开栏样式，压缩审核时限。",
    "dongshan": "一是部分医疗机构信息更新不及时；二是健康科普形式不够多样。下一步将建立医疗机构信息月报制度，"
                "推出科普短视频。",
    "xiling": "一是抽检信息发布存在滞后；二是企业对公开信息的利用率不高。下一步将缩短抽检结果发布周期，"
              "加强企业信用信息宣传。",
    "pingan": "存在的问题：基层公开意识有待加强，公开平台功能还不完善。改进措施：加强培训，完善网站检索功能。",
    "yuntai": "一是普法信息更新频率不高；二是在线咨询响应较慢。下一步将建立周更新制度，安排专人值守在线咨询。",
}


def _int(cells: dict, table: str, row: str, col: str) -> int:
    try:
        return int(cells.get(table, {}).get(row, {}).get(col, "0") or 0)
    except ValueError:
        return 0


def _sentences(d: Draft) -> dict[str, str]:
    """The numbers of the tables as sentences, so the texts agree with the tables (GX601–GX605)."""
    c = d.cells
    if d.layout == "2019":
        docs = (f"本年度新制作规范性文件{_int(c, 't2_1', 'normative', 'made')}件，"
                f"对外公开规范性文件总数{_int(c, 't2_1', 'normative', 'total')}件。")
    else:
        docs = (f"本年度制发行政规范性文件{_int(c, 't2_1', 'normative', 'made')}件，"
                f"废止{_int(c, 't2_1', 'normative', 'repealed')}件，现行有效{_int(c, 't2_1', 'normative', 'valid')}件。")
    r1, r2, done, r4 = (_int(c, "t3", r, "total") for r in ("r1", "r2", "r3_7", "r4"))
    if r1 == 0 and r2 == 0:
        apps = "本年度未收到政府信息公开申请。"
    else:
        apps = (f"本年度共收到政府信息公开申请{r1}件，上年结转{r2}件，办结{done}件，"
                f"结转下年度继续办理{r4}件。")
    row = c.get("t4", {}).get("data", {})
    review = int(row.get("review_total", "0") or 0)
    suits = int(row.get("direct_total", "0") or 0) + int(row.get("after_total", "0") or 0)
    if review == 0 and suits == 0:
        lit = "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    else:
        lit = f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{suits}件。"
    return {"docs": docs, "apps": apps, "suits": lit}


def report(key: str, agency: str, year: int, seed: int, change: Callable[[Draft], Draft] | None = None) -> Draft:
    d = Draft.consistent_random(random.Random(seed), year, agency=agency, scale=30)
    if change is not None:
        d = change(d)
    parts = dict(d.parts)
    parts["一"] = PROSE[key].format(**_sentences(d))
    parts["五"] = PROBLEMS[key] + ("" if d.layout == "2019" else f"\n对{year - 1}年度报告中提出的问题，已逐项落实整改。")
    if "五" not in d.parts:
        parts.pop("五")
    return dataclasses.replace(d, parts=parts)


def _unbalanced(d: Draft) -> Draft:
    """表三: two more applications carried over to next year than received and handled allow (一 + 二 ≠ 七 + 四)."""
    c = d.cells["t3"]["r4"]
    d = d.with_cell("t3", "r4", "natural", str(int(c["natural"]) + 2))
    return d.with_cell("t3", "r4", "total", str(int(c["total"]) + 2))


def _blank(d: Draft) -> Draft:
    """表三: a cell left blank where nothing happened (0 is required)."""
    row = d.cells["t3"]["r3_5_3"]
    col = next(k for k, v in row.items() if v == "0" and k != "total")
    return d.with_cell("t3", "r3_5_3", col, "")


def _last_years_period(d: Draft) -> Draft:
    """The statistical period copied from last year's report."""
    y = d.year
    return d.with_intro(default_intro(y, d.layout).replace(f"自{y}年1月1日起至{y}年12月31日止",
                                                            f"自{y - 1}年1月1日起至{y - 1}年12月31日止"))


def _no_fee_statement(d: Draft) -> Draft:
    """Part 六 reports other matters but says nothing about the 信息处理费 (2021 layout)."""
    return d.with_part("六", "本年度承办人大代表建议15件、政协委员提案9件，均已按期办结，答复全文在局网站公开。")


def _procurement_without_amount(d: Draft) -> Draft:
    """2019 layout: 政府集中采购 has a number of projects but the total amount is 0."""
    d = d.with_cell("t2_9", "procurement", "count", "12")
    return d.with_cell("t2_9", "procurement", "amount", "0")


def _unit_in_cell(d: Draft) -> Draft:
    return d.with_cell("t2_5", "licensing", "decisions", d.cells["t2_5"]["licensing"]["decisions"] + "件")


def _suppress_unit(data: bytes) -> bytes:
    """An html report that explains a known quirk with an inline suppression comment above the row."""
    text = data.decode("utf-8")
    marker = '<tr><td class="label">行政许可</td>'
    comment = "<!-- gxlint-disable-next-line GX205 -- 原表格模板在该格内印有单位“件”，经核对数字无误 -->\n"
    if marker not in text:
        raise SystemExit("html writer changed: cannot place the suppression comment")
    return text.replace(marker, comment + marker, 1).encode("utf-8")


EXAMPLES: list[tuple[str, Callable[[], Draft], Callable[[bytes], bytes] | None]] = [
    ("clean/qingshan-county-2024.docx", lambda: report("qingshan", "青山县人民政府", 2024, 11), None),
    ("clean/linjiang-education-2023.md", lambda: report("linjiang", "临江市教育局", 2023, 12), None),
    ("clean/beihu-district-2020.html", lambda: report("beihu", "北湖区人民政府", 2020, 24), None),
    ("clean/yuntai-justice-2024-suppressed.html",
     lambda: report("yuntai", "云台县司法局", 2024, 20, _unit_in_cell), _suppress_unit),
    ("defects/shimen-transport-2024-blank-cell.txt",
     lambda: report("shimen", "石门县交通运输局", 2024, 14, _blank), None),
    ("defects/hexi-district-2022-unbalanced.html",
     lambda: report("hexi", "河西区人民政府", 2022, 15, _unbalanced), None),
    ("defects/nanhu-subdistrict-2023-missing-part.md",
     lambda: report("nanhu", "南湖街道办事处", 2023, 16, lambda d: d.without_part("五")), None),
    ("defects/dongshan-health-2024-wrong-year.docx",
     lambda: report("dongshan", "东山县卫生健康委员会", 2024, 17, _last_years_period), None),
    ("defects/xiling-market-2024-no-fee-statement.txt",
     lambda: report("xiling", "西岭市市场监督管理局", 2024, 19, _no_fee_statement), None),
    ("defects/pingan-county-2019-procurement.txt",
     lambda: report("pingan", "平安县人民政府", 2019, 19, _procurement_without_amount), None),
]


def main() -> None:
    for rel, make, post in EXAMPLES:
        draft = make()
        assert draft.title == default_title(draft.agency, draft.year)
        data = write(draft, rel.rsplit(".", 1)[1])
        if post is not None:
            data = post(data)
        target = HERE / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(target.relative_to(HERE.parent))


# other_text and problems_text stay importable for readers of this script who want the writer's defaults
__all__ = ["EXAMPLES", "main", "other_text", "problems_text", "report"]

if __name__ == "__main__":
    main()
