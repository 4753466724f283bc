"""part_content's shortcut for the agency-line test says what the regex says."""

from __future__ import annotations

import random

import regex

from gxlint.check.kinds.part_content import _AGENCY_LINE, _agency_line

SPACES = [" ", "\t", "\u3000", "\xa0", "\x85", "\x1f", "\x1e", "\u2028"]
ENDINGS = ["人民政府", "政府", "办公室", "办公厅", "局", "委员会", "委", "办", "中心", "街道办事处", "管委会"]


def test_every_regex_space_is_a_str_space() -> None:
    """What the length bound rests on: past it, a character that is no str space is no regex \\s either."""
    spaces = regex.compile(r"\s")
    assert all(chr(i).isspace() for i in range(0x110000) if spaces.match(chr(i)))


def test_agency_line_agrees_with_the_regex() -> None:
    rng = random.Random(3)
    for _ in range(20000):
        name = "".join(rng.choices("某某县城乡建设。，人民a1", k=rng.randint(0, 40)))
        line = name + (rng.choice(ENDINGS) if rng.random() < 0.8 else "") + "".join(
            rng.choices(SPACES + ["x", "局"], k=rng.randint(0, 6)))
        if rng.random() < 0.2:
            line = rng.choice(SPACES) + line
        assert _agency_line(line) == bool(_AGENCY_LINE.match(line)), repr(line)


def test_agency_line_at_the_bound() -> None:
    for n in (29, 30, 31):
        for ending in ("街道办事处", "局"):
            for tail in ("", "  ", "\u3000\x85", " x", "\x1f"):
                line = "某" * n + ending + tail
                assert _agency_line(line) == bool(_AGENCY_LINE.match(line)), repr(line)
    assert _agency_line("某" * 30 + "街道办事处" + " \u3000")  # 35 characters and spaces: still a signature
