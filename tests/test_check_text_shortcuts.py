"""Shortcuts of the text kind (literal `unless` lists as substring tests, the clause before a match) say what the
regex searches say."""

from __future__ import annotations

import random

import regex

from gxlint.check.kinds.common import any_search

ALPHABET = "代表本级其中办公室政府。；\n1a.*()[]|"


def _slow(patterns: list[regex.Pattern[str]], text: str) -> bool:
    return any(p.search(text, timeout=1.0) for p in patterns)


def test_literal_and_regex_patterns_agree_with_search() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        pats = [regex.compile(regex.escape("".join(rng.choices(ALPHABET, k=rng.randint(0, 3)))))
                for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.3:  # a pattern with metacharacters takes the regex path for the whole list
            pats.append(regex.compile(rng.choice(["代.", "政府$", "(?:本|其)中", "a*", "[。；]"])))
        text = "".join(rng.choices(ALPHABET, k=rng.randint(0, 12)))
        assert any_search(pats, 1.0)(text) == _slow(pats, text), ([p.pattern for p in pats], text)


def test_empty_list_finds_nothing_and_escaped_text_is_not_literal() -> None:
    assert any_search([], 1.0)("anything") is False
    assert any_search([regex.compile(r"a\.b")], 1.0)("a.b") is True  # the backslash keeps it a regex
    assert any_search([regex.compile(r"a\.b")], 1.0)("a\\.b") is False
    assert any_search([regex.compile("(?i)abc")], 1.0)("ABC") is True  # inline flags: regex path


def test_last_clause_is_the_last_piece_of_a_split() -> None:
    from gxlint.check.kinds.text import last_clause

    split = regex.compile(r"[。；;\n]")
    rng = random.Random(8)
    for _ in range(5000):
        text = "".join(rng.choices("。；;\n代表a，,", k=rng.randint(0, 10)))
        assert last_clause(text) == split.split(text)[-1], repr(text)
