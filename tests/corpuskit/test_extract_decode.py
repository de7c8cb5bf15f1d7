"""Charset decoding without silent mojibake (corpuskit.extract.decode)."""

from __future__ import annotations

import codecs
import random

import pytest

from corpuskit.extract.decode import Undecodable, codec_for, decode_body, meta_charset

RUSSIAN = (
    "<html><head><title>Новости</title></head><body><p>В четверг в северном районе города "
    "открылась новая публичная библиотека. Здание построено на месте бывшего кинотеатра, "
    "который много лет стоял закрытым.</p></body></html>"
)
CHINESE = (
    "<html><head><title>新闻</title></head><body><p>市园林部门近日宣布，城市中心公园将新增一条"
    "全长五公里的环形自行车道，预计今年秋季建成并向市民开放。新车道将与现有的步行道分开设置，"
    "以减少行人和骑行者之间的冲突。</p></body></html>"
)


def test_windows_1251_from_the_http_header():
    body = RUSSIAN.encode("windows-1251")
    text, codec = decode_body(body, "text/html; charset=windows-1251")
    assert text == RUSSIAN and codec == "cp1251"


def test_windows_1251_from_meta_when_the_server_says_latin1():
    page = RUSSIAN.replace("<head>", '<head><meta charset="windows-1251">')
    text, codec = decode_body(page.encode("cp1251"), "text/html; charset=ISO-8859-1")
    assert text == page and codec == "cp1251"


def test_gb2312_from_meta_http_equiv():
    page = CHINESE.replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    text, codec = decode_body(page.encode("gb2312"), "text/html")
    assert text == page and codec == "gb18030"


@pytest.mark.parametrize(("page", "charset"), [(RUSSIAN, "windows-1251"), (CHINESE, "gb2312")])
def test_undeclared_legacy_charsets_are_detected(page, charset):
    text, _ = decode_body(page.encode(charset), "text/html")
    assert text == page


def test_a_wrong_utf8_declaration_falls_back_instead_of_replacing_characters():
    text, codec = decode_body(RUSSIAN.encode("cp1251"), "text/html; charset=utf-8")
    assert text == RUSSIAN and codec != "utf-8"
    assert "\ufffd" not in text


def test_utf8_without_declaration_and_with_bom():
    page = "<p>Grüße aus Köln – naïve café</p>"
    assert decode_body(page.encode(), None) == (page, "utf-8")
    assert decode_body(codecs.BOM_UTF8 + page.encode(), "text/html; charset=latin-1")[0] == page


def test_unknown_label_is_ignored():
    assert codec_for("x-no-such-charset") is None
    assert decode_body(b"<p>plain ascii</p>", "text/html; charset=bogus")[1] == "utf-8"


def test_binary_noise_is_undecodable():
    rng = random.Random(3)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(Undecodable):
        decode_body(noise, "text/html")


def test_meta_charset_is_read_from_the_head_only():
    assert meta_charset(b'<meta charset="koi8-r"><p>x') == "koi8-r"
    assert meta_charset(b"x" * 5000 + b'<meta charset="koi8-r">') is None
