"""Write the filter case files of ``tests/filters/cases/`` (run: python tests/filters/make_cases.py).

Boundary cases are built so that one signal sits exactly at a published threshold (kept)
or one step past it (dropped) while every other signal of the same filter stays well inside
its limit. Texts use made-up five-letter words (``bakeg``, ``bakel``...) that never repeat
unless the case repeats them on purpose, so no n-gram or line repeats by accident. The
expected signal values are computed here from the construction (plain arithmetic), not by
the filters under test. The generated files are committed; rerunning rewrites them.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

CASES_DIR = Path(__file__).parent / "cases"
CONSONANTS = "bcdfghjklmnprstvz"
VOWELS = "aeiou"


def pseudo_words():
    """Endless unique five-letter lower-case words: consonant-vowel-consonant-vowel-consonant."""
    for c1, v1, c2, v2, c3 in itertools.product(CONSONANTS, VOWELS, CONSONANTS, VOWELS, CONSONANTS):
        yield c1 + v1 + c2 + v2 + c3


class Words:
    """Draws fresh unique words."""

    def __init__(self):
        self._it = pseudo_words()

    def take(self, n: int) -> list[str]:
        return [next(self._it) for _ in range(n)]


def lines_of(tokens: list[str], per_line: int, end: str = ".") -> list[str]:
    return [" ".join(tokens[i : i + per_line]) + end for i in range(0, len(tokens), per_line)]


CASES: dict[str, dict] = {}


def case(name, filter_name, text, expect, reason=None, note="", **extra):
    entry = {"filter": filter_name, "note": note}
    if "params" in extra:
        entry["params"] = extra.pop("params")
    entry["text"] = text
    entry["expect"] = expect
    if reason:
        entry["reason"] = reason
    entry.update(extra)
    CASES[name] = entry


# ---------------------------------------------------------------- gopher_quality


def gopher_quality_cases():
    f = "gopher_quality"
    w = Words()

    def doc(tokens, per_line=10):
        return "\n".join(lines_of(tokens, per_line))

    # min_words = 50: "the", "and" + pseudo words (5 letters).
    for n, expect in ((50, "keep"), (49, "drop")):
        tokens = ["the", "and"] + w.take(n - 2)
        case(
            f"gopher_quality-min_words-{n}",
            f,
            doc(tokens),
            expect,
            "too_few_words" if expect == "drop" else None,
            note="min_words=50: 50 words kept, 49 dropped",
            signals={"words": float(n)},
        )
    # max_words = 100,000: 'the black cat and dogs ' has 5 words.
    case(
        "gopher_quality-max_words-100001",
        f,
        [{"repeat": "the black cat and dogs ", "times": 20000}, "end."],
        "drop",
        "too_many_words",
        note="max_words=100000: 100,001 words dropped",
        signals={"words": 100001.0},
    )
    case(
        "gopher_quality-max_words-100000",
        f,
        [{"repeat": "the black cat and dogs ", "times": 19999}, "the black cat and dogs."],
        "keep",
        note="max_words=100000: 100,000 words kept",
        signals={"words": 100000.0},
    )
    # mean word length 3..10 over 50 words on one line (one final period).
    three = ["the", "and"] + [t[:3] for t in w.take(47)]
    for last, expect in (("ab", "keep"), ("a", "drop")):
        mean = (49 * 3 + len(last) + 1) / 50
        case(
            f"gopher_quality-mean_length-{mean:.2f}",
            f,
            " ".join(three + [last]) + ".",
            expect,
            "mean_word_length_short" if expect == "drop" else None,
            note=f"min_mean_word_length=3: 49 words of 3 letters and '{last}.' -> {mean}",
            signals={"mean_word_length": mean, "words": 50.0},
        )
    long_words = [t * 2 for t in w.take(46)]  # 10 letters
    for first, expect in ((17, "keep"), (18, "drop")):
        tokens = ["the", "and"] + long_words + ["a" * first, "b" * 16]
        mean = (6 + 460 + first + 16 + 1) / 50
        case(
            f"gopher_quality-mean_length-{mean:.2f}",
            f,
            " ".join(tokens) + ".",
            expect,
            "mean_word_length_long" if expect == "drop" else None,
            note=f"max_mean_word_length=10: (6 + 460 + {first} + 17) / 50 = {mean}",
            signals={"mean_word_length": mean, "words": 50.0},
        )
    # '#' per word <= 0.1 over 100 words; the hash is glued to a word (#tag).
    for hashes, expect in ((10, "keep"), (11, "drop")):
        tokens = ["the", "and"] + w.take(98)
        tokens = ["#" + t if i < hashes else t for i, t in enumerate(tokens[::-1])][::-1]
        case(
            f"gopher_quality-hash_ratio-{hashes}",
            f,
            doc(tokens),
            expect,
            "hash_ratio" if expect == "drop" else None,
            note=f"max_hash_ratio=0.1: {hashes} '#' in 100 words",
            signals={"hash_ratio": hashes / 100},
        )
    # ellipses per word <= 0.1: '…' glued to mid-line words.
    for dots, expect in ((10, "keep"), (11, "drop")):
        tokens = ["the", "and"] + w.take(98)
        marked = [t + "…" if i % 9 == 3 and i < 9 * dots else t for i, t in enumerate(tokens)]
        assert sum(t.endswith("…") for t in marked) == dots
        case(
            f"gopher_quality-ellipsis_ratio-{dots}",
            f,
            doc(marked),
            expect,
            "ellipsis_ratio" if expect == "drop" else None,
            note=f"max_ellipsis_ratio=0.1: {dots} ellipses in 100 words, none at a line end",
            signals={"ellipsis_ratio": dots / 100},
        )
    # bullet lines <= 90 % of 100 lines (6 words each; the bullet is a token without letters).
    for bullets, expect in ((90, "keep"), (91, "drop")):
        body = lines_of(["the", "and"] + w.take(598), 6)
        text = "\n".join(("• " + line) if i < bullets else line for i, line in enumerate(body))
        case(
            f"gopher_quality-bullet_lines-{bullets}",
            f,
            text,
            expect,
            "bullet_lines" if expect == "drop" else None,
            note=f"max_bullet_lines_ratio=0.9: {bullets} of 100 lines start with a bullet",
            signals={"bullet_lines_ratio": bullets / 100},
        )
    # lines ending with an ellipsis <= 30 % of 100 lines.
    for ending, expect in ((30, "keep"), (31, "drop")):
        body = lines_of(["the", "and"] + w.take(498), 5, end="")
        text = "\n".join(line + ("..." if i < ending else ".") for i, line in enumerate(body))
        case(
            f"gopher_quality-ellipsis_lines-{ending}",
            f,
            text,
            expect,
            "ellipsis_lines" if expect == "drop" else None,
            note=f"max_ellipsis_lines_ratio=0.3: {ending} of 100 lines end with '...'",
            signals={"ellipsis_lines_ratio": ending / 100},
        )
    # >= 80 % of tokens contain a letter: numbers are words without letters.
    for alpha, expect in ((80, "keep"), (79, "drop")):
        tokens = ["the", "and"] + w.take(alpha - 2) + [str(10000 + i) for i in range(100 - alpha)]
        case(
            f"gopher_quality-alpha_words-{alpha}",
            f,
            doc(tokens),
            expect,
            "alpha_words" if expect == "drop" else None,
            note=f"min_alpha_words_ratio=0.8: {alpha} of 100 words have a letter",
            signals={"alpha_words_ratio": alpha / 100},
        )
    # >= 2 stop words.
    for stops, expect in ((2, "keep"), (1, "drop")):
        tokens = ["The", "of"][:stops] + w.take(60 - stops)
        case(
            f"gopher_quality-stop_words-{stops}",
            f,
            doc(tokens),
            expect,
            "stop_words" if expect == "drop" else None,
            note=f"min_stop_words=2: {stops} stop word(s) (case-insensitive)",
            signals={"stop_words": float(stops)},
        )


# ---------------------------------------------------------------- gopher_repetition


def gopher_repetition_cases():
    f = "gopher_repetition"

    # Duplicate-line fraction 0.30 over 100 lines: one short line repeated, between unique lines.
    for dups, expect in ((30, "keep"), (31, "drop")):
        w = Words()
        repeated = w.take(1)[0] + "."
        uniques = lines_of(w.take(10 * (99 - dups)), 10)
        lines = []
        for i, line in enumerate(uniques):
            lines.append(line)
            if i <= dups:
                lines.append(repeated)
        assert len(lines) == 100
        case(
            f"gopher_repetition-dup_lines-{dups}",
            f,
            "\n".join(lines),
            expect,
            "dup_lines" if expect == "drop" else None,
            note=f"max_dup_line_ratio=0.3: a line seen before makes {dups} of 100 lines",
            signals={"dup_line_ratio": dups / 100},
        )

    # Duplicate-paragraph fraction 0.30 over 100 paragraphs (unique ones have two lines).
    for dups, expect in ((30, "keep"), (31, "drop")):
        w = Words()
        repeated = w.take(1)[0] + "."
        uniques = ["\n".join(lines_of(w.take(20), 10)) for _ in range(99 - dups)]  # two lines each
        paragraphs = []
        for i, para in enumerate(uniques):
            paragraphs.append(para)
            if i <= dups:
                paragraphs.append(repeated)
        assert len(paragraphs) == 100
        case(
            f"gopher_repetition-dup_paragraphs-{dups}",
            f,
            "\n\n".join(paragraphs),
            expect,
            "dup_paragraphs" if expect == "drop" else None,
            note=f"max_dup_paragraph_ratio=0.3: {dups} of 100 paragraphs repeat an earlier one",
            signals={"dup_paragraph_ratio": dups / 100},
        )

    # Characters in duplicate lines 0.20: a one-word line of L characters, seen twice, with
    # three unique lines of A characters in all: L / (A + 2L).
    w = Words()
    uniques = lines_of(w.take(48), 16)  # 3 lines of 16 words: 16*5 + 15 + 1 = 96 chars
    total_unique = sum(map(len, uniques))
    for extra, expect in ((0, "keep"), (1, "drop")):
        length = total_unique // 3 + extra
        word = ("q" * length)[: length - 1] + "."
        lines = [uniques[0], word, uniques[1], word, uniques[2]]
        ratio = length / (total_unique + 2 * length)
        case(
            f"gopher_repetition-dup_line_chars-{length}",
            f,
            "\n".join(lines),
            expect,
            "dup_line_chars" if expect == "drop" else None,
            note="max_dup_line_char_ratio=0.2: a repeated one-word line of "
            f"{length} chars with {total_unique} unique chars -> {ratio:.4f}",
            signals={"dup_line_char_ratio": ratio, "dup_line_ratio": 0.2},
        )

    # Characters in duplicate paragraphs 0.20, with all other signals inside.
    # Kept: the same construction as above with blank lines between -> exactly 0.2.
    length = total_unique // 3
    word = ("q" * length)[: length - 1] + "."
    case(
        f"gopher_repetition-dup_paragraph_chars-{length}",
        f,
        "\n\n".join([uniques[0], word, uniques[1], word, uniques[2]]),
        "keep",
        note="max_dup_paragraph_char_ratio=0.2: exactly 0.2 kept",
        signals={"dup_paragraph_char_ratio": 0.2, "dup_line_char_ratio": 0.2},
    )
    # Dropped: the repeated paragraph has 20 one-letter lines (its newlines count as paragraph
    # characters but not as line characters), 27 unique three-letter lines in 3 paragraphs.
    repeated = "\n".join("abcdefghijklmnopqrst")
    threes = [a + b + c for a, b, c in itertools.product("xyz", "aeiou", "klm")][:27]
    unique_paras = ["\n".join(threes[i : i + 9]) for i in (0, 9, 18)]
    text = "\n\n".join(unique_paras + [repeated, repeated])
    line_chars = 27 * 3 + 2 * 20
    para_chars = sum(map(len, unique_paras)) + 2 * len(repeated)
    case(
        "gopher_repetition-dup_paragraph_chars-drop",
        f,
        text,
        "drop",
        "dup_paragraph_chars",
        note="max_dup_paragraph_char_ratio=0.2: 39 / 183 = 0.213 while duplicate lines are "
        "29.9 % of lines and 16.5 % of line characters",
        signals={
            "dup_paragraph_char_ratio": len(repeated) / para_chars,
            "dup_line_char_ratio": 20 / line_chars,
            "dup_line_ratio": 20 / 67,
            "dup_paragraph_ratio": 0.2,
        },
    )

    # Top n-gram character share: an n-gram of n five-letter words repeated r times among
    # unique words (N = 1000 words of 5 letters, one per line so no period is glued):
    # share = 5 n r / (5 N).
    for n, limit in ((2, 0.20), (3, 0.18), (4, 0.16)):
        r_keep = round(limit * 1000 / n)
        for r, expect in ((r_keep, "keep"), (r_keep + 1, "drop")):
            w = Words()
            gram = w.take(n)
            tokens = []
            for _ in range(r):
                tokens += w.take(1) + gram
            tokens += w.take(1000 - len(tokens))
            case(
                f"gopher_repetition-top_{n}gram-{r}",
                f,
                " ".join(tokens),
                expect,
                f"top_{n}gram" if expect == "drop" else None,
                note=f"max_top_{n}gram={limit}: one {n}-gram {r} times in 1000 words",
                signals={f"top_{n}gram_ratio": n * r / 1000},
            )

    # Duplicated n-gram characters: an n-gram repeated r times in N = 200 n words:
    # share = n r / N; the threshold (20 - n) / 100 gives r = 2 (20 - n) exactly.
    for n in range(5, 11):
        limit = (20 - n) / 100
        total = 200 * n
        r_keep = 2 * (20 - n)
        for r, expect in ((r_keep, "keep"), (r_keep + 1, "drop")):
            w = Words()
            gram = w.take(n)
            tokens = []
            for _ in range(r):
                tokens += w.take(1) + gram
            tokens += w.take(total - len(tokens))
            case(
                f"gopher_repetition-dup_{n}gram-{r}",
                f,
                " ".join(tokens),
                expect,
                f"dup_{n}gram" if expect == "drop" else None,
                note=f"max_dup_{n}gram={limit}: one {n}-gram {r} times in {total} words",
                signals={f"dup_{n}gram_ratio": n * r / total},
            )


# ---------------------------------------------------------------- fineweb_quality


def fineweb_cases():
    f = "fineweb_quality"
    # >= 12 % of 100 lines end with terminal punctuation (lines of 6 words: 35 chars).
    for ending, expect in ((12, "keep"), (11, "drop")):
        w = Words()
        body = lines_of(w.take(600), 6, end="")
        text = "\n".join(line + ("." if i < ending else ",") for i, line in enumerate(body))
        case(
            f"fineweb_quality-terminal_punctuation-{ending}",
            f,
            text,
            expect,
            "terminal_punctuation" if expect == "drop" else None,
            note=f"min_terminal_punctuation_lines=0.12: {ending} of 100 lines",
            signals={"terminal_punctuation_lines": ending / 100},
        )
    # <= 67 % of 100 lines are <= 30 chars: short lines are exactly 30 chars.
    for short, expect in ((67, "keep"), (68, "drop")):
        w = Words()
        shorts = [" ".join(w.take(5)) + "." for _ in range(short)]  # 29 + 1 = 30 chars
        longs = [" ".join(w.take(8)) + "." for _ in range(100 - short)]
        assert all(len(s) == 30 for s in shorts)
        case(
            f"fineweb_quality-short_lines-{short}",
            f,
            "\n".join(shorts + longs),
            expect,
            "short_lines" if expect == "drop" else None,
            note=f"max_short_lines=0.67: {short} of 100 lines have 30 chars",
            signals={"short_lines": short / 100},
        )
    # short_line_length=30: 68 lines of 31 chars are not short.
    w = Words()
    lines = [" ".join(w.take(5)) + ".." for _ in range(68)] + [
        " ".join(w.take(8)) + "." for _ in range(32)
    ]
    case(
        "fineweb_quality-short_line_length-31",
        f,
        "\n".join(lines),
        "keep",
        note="short_line_length=30: lines of 31 chars are not short",
        signals={"short_lines": 0.0},
    )
    # Duplicated-line characters <= 1 % of characters (newlines excluded).
    for extra, expect in ((0, "keep"), (1, "drop")):
        w = Words()
        uniques = lines_of(w.take(1650), 11)  # 150 lines of 66 chars = 9900
        unique_chars = sum(map(len, uniques))
        dup_len = 0
        # dup / (unique + 2 dup) = 0.01 -> dup = unique / 98
        dup_len = unique_chars // 98 + extra
        line = ("z" * (dup_len - 1)) + "."
        text = "\n".join(uniques[:50] + [line] + uniques[50:] + [line])
        ratio = dup_len / (unique_chars + 2 * dup_len)
        case(
            f"fineweb_quality-dup_line_chars-{dup_len}",
            f,
            text,
            expect,
            "dup_line_chars" if expect == "drop" else None,
            note=f"max_dup_line_chars=0.01: one repeated line of {dup_len} chars -> {ratio:.5f}",
            signals={"dup_line_chars": ratio},
        )
    # Newlines per word <= 0.3: 100 words in 4 long lines, blank lines add newlines.
    for newlines, expect in ((30, "keep"), (31, "drop")):
        w = Words()
        body = lines_of(w.take(100), 25)
        text = body[0] + "\n" * (newlines - 2) + "\n".join(body[1:])
        assert text.count("\n") == newlines
        case(
            f"fineweb_quality-newlines_per_word-{newlines}",
            f,
            text,
            expect,
            "newlines_per_word" if expect == "drop" else None,
            note=f"max_newlines_per_word=0.3: {newlines} newlines for 100 words",
            signals={"newlines_per_word": newlines / 100},
        )


# ---------------------------------------------------------------- c4


def sentence_lines(count: int, w: Words, words_per_line: int = 6) -> list[str]:
    return [" ".join(w.take(words_per_line)).capitalize() + "." for _ in range(count)]


def c4_cases():
    # Page length: 190,000 characters (C4 step 1).
    unit = "This sentence is long enough to be kept by every one of the C4 line rules here.\n"
    assert len(unit) == 80
    case(
        "c4_page-max_chars-190000",
        "c4_page",
        [{"repeat": unit, "times": 2375}],
        "keep",
        note="max_chars=190000: exactly 190,000 characters kept",
        signals={"chars": 190000.0},
    )
    case(
        "c4_page-max_chars-190001",
        "c4_page",
        [{"repeat": unit, "times": 2375}, "x"],
        "drop",
        "too_long",
        note="max_chars=190000: 190,001 characters dropped (on the raw page, as C4 step 1)",
        signals={"chars": 190001.0},
    )
    case(
        "c4_page-fineweb-no-length-limit",
        "c4_page",
        [{"repeat": unit, "times": 2400}],
        "keep",
        params={
            "max_chars": 0,
            "min_sentences": 5,
            "min_words_per_line": 3,
            "terminal_punctuation": False,
        },
        note="FineWeb's C4 (datatrove) has no page-length rule: max_chars=0",
    )
    # Sentences: code 3, paper 5.
    w = Words()
    for count, expect in ((3, "keep"), (2, "drop")):
        case(
            f"c4_page-min_sentences-code-{count}",
            "c4_page",
            "\n".join(sentence_lines(count, w) + ["Menu", "Home | About"]),
            expect,
            "too_few_sentences" if expect == "drop" else None,
            note=f"min_sentences=3 (code): {count} sentences in the kept lines",
            signals={"sentences": float(count)},
        )
    for count, expect in ((5, "keep"), (4, "drop")):
        case(
            f"c4_page-min_sentences-paper-{count}",
            "c4_page",
            "\n".join(sentence_lines(count, w, 3)),
            expect,
            "too_few_sentences" if expect == "drop" else None,
            params={"min_sentences": 5, "min_words_per_line": 3},
            note=f"paper: min_sentences=5, 3 words per line: {count} sentences",
            signals={"sentences": float(count)},
        )
    case(
        "c4_page-sentences-several-per-line",
        "c4_page",
        "One short sentence here. And a second one follows it. A third ends the line!",
        "keep",
        note="sentences are counted inside lines (3 in one line)",
        signals={"sentences": 3.0},
    )
    case(
        "c4_page-sentences-only-kept-lines",
        "c4_page",
        "\n".join(sentence_lines(2, w) + ["Please enable JavaScript to view this page well."]),
        "drop",
        "too_few_sentences",
        note="a javascript line does not count: 2 sentences",
        signals={"sentences": 2.0},
    )
    base = sentence_lines(4, w)
    case(
        "c4_page-lorem_ipsum",
        "c4_page",
        "\n".join(base[:2] + ["Lorem ipsum dolor sit amet, consectetur adipiscing."] + base[2:]),
        "drop",
        "lorem_ipsum",
        note="'lorem ipsum' in a line that passes the earlier line rules drops the page",
        signals={"lorem_ipsum_line": 3.0},
    )
    case(
        "c4_page-lorem_ipsum-in-dropped-line",
        "c4_page",
        "\n".join(base + ["Lorem ipsum dolor sit amet"]),
        "keep",
        note="reference order: the line has no terminal punctuation, so it is dropped before "
        "the lorem ipsum rule sees it",
        signals={"lorem_ipsum_line": 0.0, "sentences": 4.0},
    )
    case(
        "c4_page-curly_bracket",
        "c4_page",
        "\n".join(base + ["function f() { return the value of x; }."]),
        "drop",
        "curly_bracket",
        note="'{' in a kept line drops the page",
        signals={"curly_bracket_line": 5.0},
    )
    case(
        "c4_page-curly_bracket-in-short-line",
        "c4_page",
        "\n".join(base + ["{ x: 1 }."]),
        "keep",
        note="reference order: a '{' line with fewer than 5 words is dropped first",
    )
    case(
        "c4_page-curly_bracket-javascript-line",
        "c4_page",
        "\n".join(base + ["Our javascript widget uses { braces } in its code."]),
        "keep",
        note="reference order: the javascript rule drops the line before the '{' rule",
    )
    case(
        "c4_page-curly-before-lorem",
        "c4_page",
        "\n".join(
            base + ["Then some code { appears } in this line.", "Lorem ipsum dolor sit amet again."]
        ),
        "drop",
        "curly_bracket",
        note="the first page rule met in line order decides, as the reference stops there",
    )
    case(
        "c4_page-curly-off",
        "c4_page",
        "\n".join(base + ["Then some code { appears } in this line."]),
        "keep",
        params={"curly_bracket": False},
        note="curly_bracket=false turns the rule off",
        signals={"sentences": 5.0},
    )
    # Line cleaner.
    text = "\n".join(
        [
            "  The first line is a good sentence with words.  ",
            "Too short line here.",
            "Five words are enough here.",
            "Menu without terminal punctuation at the end of it",
            "A trailing ellipsis is not an ending for this line...",
            'He said it was "the best day of all."',
            "Wikipedia style marks[1] are removed from lines[citation needed] like this.[edit]",
            "Please enable JavaScript in your browser to continue.",
            "This site uses cookies to improve your experience.",
            "Read our Privacy Policy before you sign up today.",
            "Lorem ipsum dolor sit amet is kept for c4_page.",
            "Code like { this } is kept for c4_page to judge.",
            "",
            "",
        ]
    )
    case(
        "c4_lines-code-defaults",
        "c4_lines",
        text,
        "keep",
        note="each line rule in order; lorem/curly lines pass through for c4_page",
        expected_text="\n".join(
            [
                "The first line is a good sentence with words.",
                "Five words are enough here.",
                'He said it was "the best day of all."',
                "Wikipedia style marks are removed from lines like this.",
                "Lorem ipsum dolor sit amet is kept for c4_page.",
                "Code like { this } is kept for c4_page to judge.",
            ]
        ),
        counts={
            "lines": 13,
            "lines_kept": 6,
            "lines_too_long_word": 0,
            "lines_no_terminal_punctuation": 3,  # incl. the empty line
            "lines_too_few_words": 1,
            "lines_javascript": 1,
            "lines_policy": 2,
        },
    )
    case(
        "c4_lines-no-terminal-punctuation-rule",
        "c4_lines",
        "A heading without a period here\nToo short\nAnd another line of text ends here.",
        "keep",
        params={"terminal_punctuation": False, "min_words_per_line": 3},
        note="FineWeb: the terminal-punctuation rule off; 3 words per line (datatrove)",
        expected_text="A heading without a period here\nAnd another line of text ends here.",
    )
    for n, expect_text in ((5, "One two three four five."), (4, "")):
        words = ["One", "two", "three", "four", "five"][:n]
        line = " ".join(words) + "."
        case(
            f"c4_lines-min_words_per_line-{n}",
            "c4_lines",
            "This line has more than enough words in it.\n" + line,
            "keep",
            note=f"min_words_per_line=5 (code): a line of {n} words",
            expected_text="This line has more than enough words in it."
            + ("\n" + expect_text if expect_text else ""),
        )
    for n, keep_line in ((3, True), (2, False)):
        line = " ".join(["Alpha", "beta", "gamma"][:n]) + "."
        case(
            f"c4_lines-paper-min_words_per_line-{n}",
            "c4_lines",
            "This line has more than enough words in it.\n" + line,
            "keep",
            params={"min_words_per_line": 3},
            note=f"paper: min_words_per_line=3: a line of {n} words",
            expected_text="This line has more than enough words in it."
            + ("\n" + line if keep_line else ""),
        )
    for length, keep_line in ((1000, True), (1001, False)):
        line = "A very long token follows " + "x" * length + " here."
        case(
            f"c4_lines-max_word_length-{length}",
            "c4_lines",
            "This line has more than enough words in it.\n" + line,
            "keep",
            note=f"max_word_length=1000: a token of {length} characters",
            expected_text="This line has more than enough words in it."
            + ("\n" + line if keep_line else ""),
        )
    case(
        "c4_lines-empty",
        "c4_lines",
        "Home\nAbout us\nContact",
        "drop",
        "empty",
        note="no line passes: nothing is left",
    )
    case(
        "c4_lines-chinese-words",
        "c4_lines",
        "这是一个很好的句子。\n好。\n没有句号的一行文字",
        "keep",
        note="words in Chinese are characters: 9 words kept, 1 too few; '。' ends a line",
        expected_text="这是一个很好的句子。",
    )


# ---------------------------------------------------------------- badwords, urls, pii


def small_cases():
    bundled = {"list_source": "bundled"}
    rows = [
        ("badwords-en-word", "What the fuck is this.", "en", "drop", "bad_words"),
        ("badwords-en-case-insensitive", "FUCK this.", "en", "drop", "bad_words"),
        ("badwords-en-word-boundary", "Shitake mushrooms and a cocktail.", "en", "keep", None),
        ("badwords-en-symbol-entry", "What an a$$hole move.", "en", "drop", "bad_words"),
        ("badwords-en-phrase", "An advert for a blow job.", "en", "drop", "bad_words"),
        ("badwords-default-language", "What the fuck is this.", None, "drop", "bad_words"),
        ("badwords-de", "So eine Scheiße!", "de", "drop", "bad_words"),
        ("badwords-ru", "Вот сука.", "ru", "drop", "bad_words"),
        ("badwords-zh-substring", "今天他妈的天气很好。", "zh", "drop", "bad_words"),
        ("badwords-ja-substring", "アダルト動画のサイト", "ja", "drop", "bad_words"),
        ("badwords-clean", "A perfectly clean sentence about cats.", "en", "keep", None),
        ("badwords-no-list", "What the fuck is this.", "sw", "keep", None),
    ]
    for name, text, lang, expect, reason in rows:
        extra = {"language": lang} if lang else {}
        case(name, "badwords", text, expect, reason, params=bundled, **extra)
    case(
        "badwords-max_matches-0-keep",
        "badwords",
        "Nothing bad here at all.",
        "keep",
        params=bundled,
        language="en",
        note="max_matches=0: no match kept",
        signals={"matches": 0.0},
    )
    case(
        "badwords-max_matches-1-keep",
        "badwords",
        "Oh shit.",
        "keep",
        params={**bundled, "max_matches": 1},
        language="en",
        signals={"matches": 1.0},
    )
    case(
        "badwords-max_matches-1-drop",
        "badwords",
        "Oh shit, oh shit.",
        "drop",
        "bad_words",
        params={**bundled, "max_matches": 1},
        language="en",
        signals={"matches": 2.0},
    )
    case(
        "badwords-languages-param",
        "badwords",
        "So eine Scheiße!",
        "keep",
        params={**bundled, "languages": "en,fr"},
        language="de",
        note="languages limits which languages are checked",
    )
    text = "A page about gardening and tomatoes."
    urls = [
        (
            "url_blocklist-domain",
            "https://www.blocked.example/page",
            {"domains": "blocked.example"},
            "drop",
            "blocked_domain",
        ),
        (
            "url_blocklist-subdomain",
            "http://a.b.blocked.example:8080/x",
            {"domains": "blocked.example"},
            "drop",
            "blocked_domain",
        ),
        (
            "url_blocklist-not-suffix",
            "https://notblocked.example/",
            {"domains": "blocked.example"},
            "keep",
            None,
        ),
        (
            "url_blocklist-banned-word",
            "https://videos.example/free-porn-clips",
            {},
            "drop",
            "banned_url_word",
        ),
        (
            "url_blocklist-banned-word-is-a-token",
            "https://example.com/pornography-laws-history",
            {},
            "keep",
            None,
        ),
        (
            "url_blocklist-banned-subword",
            "https://example.com/casinobonus",
            {"banned_subwords": "casino"},
            "drop",
            "banned_url_subword",
        ),
        ("url_blocklist-clean", "https://garden.example/tomatoes", {}, "keep", None),
    ]
    for name, url, params, expect, reason in urls:
        case(name, "url_blocklist", text, expect, reason, params=params, url=url)
    case("url_blocklist-no-url", "url_blocklist", text, "keep", note="no URL: kept")
    case(
        "pii-email-and-ips",
        "pii",
        "Write to jane.doe+news@mail.example.org or ping 8.8.8.8:53 and 2001:4860:4860::8888.\n"
        "Our router is 192.168.1.1, the loopback 127.0.0.1, shared 100.64.0.1, test 192.0.2.7.\n"
        "Version 1.2.3.4.5 is not an address; neither is 999.1.1.1 or 12:30:45.",
        "keep",
        note="public IPv4/IPv6 and e-mails redacted; private, loopback, shared, documentation kept",
        expected_text="Write to <EMAIL> or ping <IP_ADDRESS>:53 and <IP_ADDRESS>.\n"
        "Our router is 192.168.1.1, the loopback 127.0.0.1, shared 100.64.0.1, test 192.0.2.7.\n"
        "Version 1.2.3.4.5 is not an address; neither is 999.1.1.1 or 12:30:45.",
        counts={"emails": 1.0, "ip_addresses": 2.0},
    )
    case(
        "pii-off",
        "pii",
        "Mail a@b.example from 8.8.4.4.",
        "keep",
        params={"emails": False},
        expected_text="Mail a@b.example from <IP_ADDRESS>.",
        counts={"emails": 0.0, "ip_addresses": 1.0},
    )
    case("pii-empty", "pii", "  \n ", "drop", "empty", note="a blank page: nothing is left")


def main() -> None:
    gopher_quality_cases()
    gopher_repetition_cases()
    fineweb_cases()
    c4_cases()
    small_cases()
    CASES_DIR.mkdir(exist_ok=True)
    for old in CASES_DIR.glob("*.json"):
        old.unlink()
    for name, entry in sorted(CASES.items()):
        path = CASES_DIR / f"{name}.json"
        path.write_text(json.dumps(entry, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {CASES_DIR}")


if __name__ == "__main__":
    main()
