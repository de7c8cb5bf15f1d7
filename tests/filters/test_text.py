"""Word, sentence, line and paragraph splitting on several languages (filters/text.py)."""

from __future__ import annotations

import pytest

from filters.text import (
    count_sentences,
    count_words,
    ends_with_terminal_punctuation,
    non_empty_lines,
    paragraphs,
    sentences,
    words,
)

WORD_CASES = [
    ("en", "The quick brown fox jumps over the lazy dog.", 9),
    ("en", "  Hello,   world!\n\tSecond line  ", 4),
    ("de", "Die Straße führt über die Brücke nach Köln.", 8),
    ("fr", "L'été dernier, nous sommes allés à Paris — c'était magnifique !", 11),
    ("ru", "Съешь же ещё этих мягких французских булок, да выпей чаю.", 10),
    ("zh", "我爱北京天安门。", 7),
    ("zh", "他说：“你好！”然后走了。", 8),
    ("ja", "私は東京に住んでいます。", 11),
    ("ja", "カタカナとひらがな", 9),
    ("mixed", "Python 3 是一种语言。", 7),
    ("th", "ภาษาไทย", 3),  # 2 dictionary words
    ("th", "ฉันชอบกินข้าวผัด", 6),  # 5 dictionary words,
]


@pytest.mark.parametrize(("language", "text", "expected"), WORD_CASES)
def test_word_counts(language, text, expected):
    assert count_words(text) == expected
    assert len(words(text)) == expected


def test_words_match_str_split_on_space_delimited_text():
    """C4 counts words with str.split(); ours must agree wherever spaces delimit words."""
    for text in ("Ein Satz, mit Komma.", "Это тест.", "naïve café déjà-vu", "a  b\tc\nd"):
        assert words(text) == text.split()


def test_cjk_words_are_characters_and_punctuation_is_not_a_word():
    assert words("你好，世界。") == ["你", "好", "世", "界"]
    assert words("東京タワー") == ["東", "京", "タ", "ワ", "ー"]
    # Thai syllable-like units keep marks, vowels and a final consonant: ง่าย is one unit.
    assert words("ง่าย") == ["ง่าย"]
    assert words("ภาษาไทย") == ["ภา", "ษา", "ไทย"]


SENTENCE_CASES = [
    ("en", "Dr. Smith went home. He was tired! Was he? Yes.", 4),
    ("en", "The U.S. Army is big. J. R. R. Tolkien wrote books.", 2),
    ("en", 'He asked "why?" and left. "Fine." She stayed.', 3),
    ("en", "Prices rose e.g. in March. Then fell.", 2),
    ("en", "Wait... what happened next? Nobody knows", 2),
    ("en", "Pi is 3.14 and e is 2.72.", 1),
    ("de", "Das ist z.B. gut. Am Montag kam er. Dann ging er wieder.", 3),
    ("de", "Er sagte: „Hallo.“ Dann ging er.", 2),
    ("fr", "Bonjour ! Comment allez-vous ? Très bien, merci.", 3),
    ("fr", "M. Dupont est arrivé. Il pleuvait.", 2),
    ("ru", "Это первое предложение. Это второе! А это третье?", 3),
    ("ru", "Он живёт на ул. Ленина. Там тихо.", 2),
    ("zh", "我爱北京。你好！他是谁？", 3),
    ("zh", "他说：“你好。”我们走吧。", 2),
    ("ja", "今日は晴れです。明日は雨でしょう！本当？", 3),
    ("hi", "यह पहला वाक्य है। यह दूसरा वाक्य है।", 2),
    ("ar", "كيف حالك؟ أنا بخير.", 2),
]


@pytest.mark.parametrize(("language", "text", "expected"), SENTENCE_CASES)
def test_sentence_counts(language, text, expected):
    assert count_sentences(text) == expected, sentences(text)


def test_sentence_pieces_are_exact():
    assert sentences("我爱北京。你好！") == ["我爱北京。", "你好！"]
    assert sentences("Dr. Smith came. He sat.") == ["Dr. Smith came.", "He sat."]
    assert sentences("No end mark here") == ["No end mark here"]
    assert sentences("   ") == []


def test_lines_and_paragraphs():
    text = "First line\n  \nSecond para line one\nline two\n\n\n\nThird\n"
    assert non_empty_lines(text) == ["First line", "Second para line one", "line two", "Third"]
    assert paragraphs(text) == ["First line", "Second para line one\nline two", "Third"]
    assert paragraphs("") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A sentence.", True),
        ("A question? ", True),
        ("一个句子。", True),
        ("वाक्य।", True),
        ("سؤال؟", True),
        ("No mark", False),
        ("A comma,", False),
    ],
)
def test_terminal_punctuation(line, expected):
    assert ends_with_terminal_punctuation(line) is expected


def test_words_cache_returns_fresh_results_for_new_text():
    first = "one two three"
    assert words(first) == ["one", "two", "three"]
    assert words(first) is words(first)
    assert words("four five") == ["four", "five"]
