"""Every script: CJK and Thai shingles, --shingle chars:N, and CJK near-duplicates end to end."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from corpuskit.dedup.minhash import signatures
from corpuskit.dedup.normalize import (
    char_shingle_hash64,
    jaccard,
    normalize_text,
    shingles,
    text_shingle_hashes,
)
from corpuskit.dedup.pipeline import DedupInput, DedupSettings, run_dedup
from corpuskit.document import Document
from corpuskit.executor import LocalExecutor
from tests.corpuskit.dedup_corpus import write_dataset
from tests.corpuskit.test_dedup_pipeline import kept_ids

# Short encyclopedia-style passages (written for this test).
ZH_RIVER = (
    "长江是中国第一长河，发源于青藏高原的唐古拉山脉，全长约六千三百公里，流经十一个省级行政区，"
    "最后在上海注入东海。长江流域气候温和，雨量充沛，是中国重要的农业和工业地区。"
    "三峡工程位于湖北省宜昌市，是世界上规模最大的水电站之一，每年发电量巨大。"
    "长江沿岸有许多历史名城，例如重庆、武汉和南京，这些城市在中国历史上都扮演过重要角色。"
)
ZH_TEA = (
    "茶起源于中国，至今已有数千年的历史。唐代陆羽著有《茶经》，系统地介绍了茶的种植、采摘和饮用方法。"
    "中国的名茶种类繁多，包括西湖龙井、洞庭碧螺春、安溪铁观音和云南普洱等。"
    "饮茶不仅是一种生活习惯，也是一种文化，茶馆在许多城市中是人们聚会聊天的重要场所。"
    "如今，茶已传播到世界各地，成为最受欢迎的饮料之一。"
)
JA_CASTLE = (
    "姫路城は兵庫県姫路市にある城で、白鷺城とも呼ばれている。江戸時代初期に建てられた天守が現存しており、"
    "国宝に指定されているほか、一九九三年には日本で初めて世界文化遺産に登録された。"
    "白い漆喰で塗られた壁と複雑な構造が特徴で、多くの観光客が一年を通して訪れている。"
    "平成の大修理が終わった後、城の外観はさらに白く美しくなったと言われている。"
)
JA_TRAIN = (
    "新幹線は日本の高速鉄道で、一九六四年の東京オリンピックに合わせて東海道新幹線が開業した。"
    "最高速度は路線によって異なるが、現在では時速三百キロメートルを超える列車も走っている。"
    "定時運行と安全性の高さで知られ、開業以来、乗客が死亡する列車事故は起きていない。"
    "北海道から九州まで路線網が広がり、国内の移動に欠かせない交通手段となっている。"
)


def edit(text: str, every: int, replacement: str) -> str:
    """Replace one character every ``every`` characters (a light rewrite)."""
    chars = list(text)
    for i in range(every // 2, len(chars), every):
        if chars[i] not in "，。、《》":
            chars[i] = replacement
    return "".join(chars)


def test_cjk_and_thai_characters_become_words_and_marks_stay():
    assert normalize_text("東京は日本の首都。") == "東 京 は 日 本 の 首 都"
    assert normalize_text("ภาษาไทย") == "ภ า ษ า ไ ท ย"
    assert normalize_text("ไม่มี") == "ไ ม่ มี"  # tone marks stay with their letter
    assert normalize_text("हिन्दी भाषा।") == "हिन्दी भाषा"  # Devanagari vowel signs kept
    assert normalize_text("Tokyo 東京 2024") == "tokyo 東 京 0000"
    assert normalize_text("東京は日本", split_scripts=False) == "東京は日本"


def test_whitespace_words_would_miss_a_lightly_edited_chinese_copy():
    copy = edit(ZH_RIVER, 40, "的")
    script_aware = jaccard(shingles(ZH_RIVER, 5), shingles(copy, 5))
    assert script_aware >= 0.6
    # Without script-aware splitting each clause is one "word": almost nothing is shared.
    clauses = [set(ZH_RIVER.split("，")), set(copy.split("，"))]
    assert len(clauses[0] & clauses[1]) / len(clauses[0] | clauses[1]) < 0.5


@pytest.mark.parametrize("size", [3, 24])
def test_char_shingle_hashes_equal_the_scalar_reference(size):
    texts = [JA_CASTLE, "short", "", "naïve café au lait " * 3]
    hashes, counts = text_shingle_hashes(texts, "chars", size, bits=64)
    expected = []
    for text in texts:
        chars = normalize_text(text, split_scripts=False)
        if chars:
            windows = [chars[i : i + size] for i in range(max(1, len(chars) - size + 1))]
            expected.append([char_shingle_hash64(w) for w in windows])
        else:
            expected.append([])
    assert counts.tolist() == [len(e) for e in expected]
    assert hashes.tolist() == [h for e in expected for h in e]
    assert {len(s) for s in shingles(JA_CASTLE, size, "chars")} == {size}


def test_char_signatures_are_datasketchs_on_the_same_shingles():
    sigs, counts = signatures([ZH_TEA, JA_TRAIN], 24, 64, 2, unit="chars")
    for text, sig in zip([ZH_TEA, JA_TRAIN], sigs, strict=True):
        chars = normalize_text(text, split_scripts=False)
        windows = [chars[i : i + 24] for i in range(len(chars) - 23)]
        reference = MinHash(num_perm=64, seed=2, hashfunc=int)
        reference.update_batch([char_shingle_hash64(w) >> 32 for w in windows])
        np.testing.assert_array_equal(sig, reference.hashvalues)


@pytest.mark.slow
@pytest.mark.parametrize("shingle", ["words", "chars"])
def test_chinese_and_japanese_near_duplicates_found_distinct_texts_kept(tmp_path, shingle):
    docs = [
        Document("zh-river", ZH_RIVER, timestamp="2020-01-01"),
        Document(
            "zh-river-copy", edit(ZH_RIVER, 60, "地") + "（资料来源：网络）", timestamp="2022-01-01"
        ),
        Document("zh-tea", ZH_TEA, timestamp="2020-01-01"),
        Document("ja-castle", JA_CASTLE, timestamp="2020-01-01"),
        Document("ja-castle-copy", "【観光】" + edit(JA_CASTLE, 70, "の"), timestamp="2022-01-01"),
        Document("ja-train", JA_TRAIN, timestamp="2020-01-01"),
        # Same topic and many shared characters, but a different text: must stay.
        Document("zh-river-other", ZH_RIVER[::-1], timestamp="2021-01-01"),
    ]
    size = 5 if shingle == "words" else 6
    for a, b in (("zh-river", "zh-river-copy"), ("ja-castle", "ja-castle-copy")):
        texts = {d.id: d.text for d in docs}
        assert jaccard(shingles(texts[a], size, shingle), shingles(texts[b], size, shingle)) >= 0.7
    write_dataset(tmp_path / "in", docs, 2)
    settings = DedupSettings(threshold=0.7, shingle=shingle, ngram=size)
    report, _ = run_dedup(
        [DedupInput("cjk", str(tmp_path / "in"))], settings, str(tmp_path / "out"), LocalExecutor(1)
    )
    assert not report.failed
    assert set(kept_ids(tmp_path / "out")) == {
        "zh-river",
        "zh-tea",
        "ja-castle",
        "ja-train",
        "zh-river-other",
    }


TRICKY = [
    "Hello, WORLD! It's 2024_x.",
    "Москва — столица России.",
    "हिन्दी भाषा, naïve Café ½ \u00ad soft\u200bhyphen",
    "a\u0e48b \u0e48x 𠀀𠀁 emoji😀ok \x00ctl\x07x",
    "\u0e48\u0e48ก\u0e48\u0e48x\u0e01 ไม่มี",
    "ﬁne Ｔｅｘｔ ２０２４",
    "",
    "\u200b\u200b",
    ZH_TEA[:40] + JA_TRAIN[:40],
]


@pytest.mark.parametrize("batch", [TRICKY, TRICKY[:1], TRICKY[6:8], []])
def test_numpy_tokeniser_equals_the_reference_normalisation(batch):
    from corpuskit.dedup.normalize import _word_hash_scalar
    from corpuskit.dedup.wordhash import word_hashes

    hashes, words = word_hashes(batch)
    expected = [[_word_hash_scalar(w) for w in normalize_text(t).split()] for t in batch]
    assert words.tolist() == [len(e) for e in expected]
    assert hashes.tolist() == [h for e in expected for h in e]
