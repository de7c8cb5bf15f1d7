"""Text normalisation, script-aware shingling and the vectorised shingle hash used by MinHash.

Normalisation follows FineWeb/datatrove's ``simplify_text`` idea: Unicode NFKC, lower
case, every digit replaced by ``0``, punctuation and symbols replaced by a space (combining
marks are kept, so Devanagari or Thai words stay whole), whitespace collapsed.

Shingles (``--shingle``) are either ``words:N`` -- n-grams of words (``--ngram 5``, as
FineWeb and text-dedup) where, in scripts written without spaces between words (Chinese,
Japanese, Thai, Lao, Khmer, Myanmar), every character (with its combining marks) counts as
a word, as text-dedup and NeMo Curator do for CJK -- or ``chars:N``: every window of N
characters of the normalised text (NeMo Curator uses 24). A text shorter than one shingle
is one shingle made of all of it; a text with no word has none.

The shingle hash is computed for a whole batch of documents at once with numpy
(:mod:`corpuskit.dedup.wordhash`): a polynomial hash of each word's code points (from
prefix sums, mod 2**64), then a
polynomial combination of n consecutive word hashes (for ``chars:N``, one polynomial over
the N code points), finished with the MurmurHash3 64-bit finaliser. MinHash uses its top
32 bits (the input width of datasketch's ``affine32`` scheme); exact verification uses all
64. :func:`shingle_hash32` / :func:`char_shingle_hash64` are the scalar references.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from corpuskit.errors import ConfigError

_DIGIT = re.compile(r"\d")
# A quick test for characters of the scripts below (BMP blocks, or any astral character).
_MAY_SPLIT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)

# Odd multipliers (invertible mod 2**64) for the byte- and word-level polynomial hashes.
BYTE_BASE = 0x100000001B3
WORD_BASE = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1
SHINGLE_UNITS = ("words", "chars")

# Unicode blocks of scripts written without spaces between words.
NO_SPACE_BLOCKS = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3005, 0x3007),  # ideographic iteration mark, closing mark, number zero
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G
)
# ASCII: lower case, digits -> 0, punctuation/symbols -> space, in one bytes.translate.
_ASCII_TABLE = bytes(
    (
        ord("0")
        if chr(i).isdigit()
        else ord(chr(i).lower())
        if chr(i).isalnum() or chr(i).isspace()
        else ord(" ")
    )
    for i in range(128)
) + bytes(range(128, 256))


def _char_class(codepoints) -> str:
    """A regex character class (contents) of code points, as ranges."""
    parts, run = [], []
    for cp in sorted(codepoints):
        if run and cp == run[-1] + 1:
            run.append(cp)
            continue
        if run:
            parts.append(_range(run[0], run[-1]))
        run = [cp]
    if run:
        parts.append(_range(run[0], run[-1]))
    return "".join(parts)


def _range(lo: int, hi: int) -> str:
    return re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"


@functools.lru_cache(maxsize=1)
def _patterns():
    """Regexes: punctuation/symbols (BMP, astral), format characters, no-space-script
    tokens (BMP with marks, astral)."""
    separators, formats = [], []
    for cp in range(0x30000):
        category = unicodedata.category(chr(cp))
        if category[0] in "PS" or category == "Cc":
            separators.append(cp)
        elif category == "Cf":
            formats.append(cp)
    bases, marks = [], []
    for lo, hi in NO_SPACE_BLOCKS:
        for cp in range(lo, hi + 1):
            category = unicodedata.category(chr(cp))
            if category[0] == "M":
                marks.append(cp)
            elif category[0] in "LN":
                bases.append(cp)
    # re matches a class of BMP code points with a bitmap, but scans ranges one by one once
    # the class has astral ones: those go in a second regex, used only when needed.
    return (
        re.compile(f"[{_char_class(c for c in separators if c < 0x10000)}]"),
        re.compile(f"[{_char_class(c for c in separators + formats if c >= 0x10000)}]"),
        re.compile(f"[{_char_class(c for c in formats if c < 0x10000)}]"),
        re.compile(f"([{_char_class(c for c in bases if c < 0x10000)}][{_char_class(marks)}]*)"),
        re.compile(f"([{_char_class(c for c in bases if c >= 0x10000)}])"),
    )


def normalize_text(text: str, split_scripts: bool = True) -> str:
    """NFKC, lower case, digits -> 0, punctuation -> space, whitespace collapsed.

    With ``split_scripts`` every character of a script written without spaces (CJK, Thai,
    ...) becomes a word of its own (the ``words:N`` shingles); ``chars:N`` does not split.
    """
    if text.isascii():
        return " ".join(text.encode("ascii").translate(_ASCII_TABLE).decode("ascii").split())
    separators, astral_separators, formats, no_space, astral_no_space = _patterns()
    text = unicodedata.normalize("NFKC", text).lower()
    text = formats.sub("", text)
    text = _DIGIT.sub("0", separators.sub(" ", text))
    astral = max(text, default=" ") > "\uffff"
    if astral:  # astral format characters (tags) are rare enough to take as separators
        text = astral_separators.sub(" ", text)
    if split_scripts and _MAY_SPLIT.search(text):
        text = no_space.sub(r" \1 ", text)
        if astral:
            text = astral_no_space.sub(r" \1 ", text)
    return " ".join(text.split())


def parse_shingle(spec: str) -> tuple[str, int]:
    """``words:N`` or ``chars:N`` -> (unit, N); a ConfigError names the accepted forms."""
    unit, _, size = spec.partition(":")
    if unit not in SHINGLE_UNITS or not size.isdigit() or int(size) < 1:
        raise ConfigError(
            f"--shingle {spec!r}: expected words:N or chars:N with N >= 1 (e.g. words:5, chars:24)"
        )
    return unit, int(size)


def exact_text(text: str) -> str:
    """The text compared by exact dedup: whitespace runs collapsed, ends stripped."""
    return " ".join(text.split())


def shingles(text: str, ngram: int, unit: str = "words") -> set[str]:
    """The set of shingles of the normalised text (reference implementation, exact truth)."""
    if unit == "chars":
        chars = normalize_text(text, split_scripts=False)
        if len(chars) <= ngram:
            return {chars} if chars else set()
        return {chars[i : i + ngram] for i in range(len(chars) - ngram + 1)}
    words = normalize_text(text).split()
    if not words:
        return set()
    if len(words) < ngram:
        return {" ".join(words)}
    return {" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)}


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def key64(value: str) -> int:
    """A stable signed 64-bit key of a string (blake2b), for ids, URLs and texts."""
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def md5_key64(value: str) -> int:
    """A signed 64-bit key from the MD5 digest, as the C4 code hashes lines."""
    digest = hashlib.md5(value.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "little", signed=True)


def _fmix64_scalar(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def _word_hash_scalar(word: str) -> int:
    h = 0
    power = 1
    for char in word:
        h = (h + (ord(char) + 1) * power) & MASK64
        power = (power * BYTE_BASE) & MASK64
    return _fmix64_scalar(h)


def shingle_hash32(words: list[str]) -> int:
    """Scalar reference of the 32-bit hash of one shingle (a list of normalised words)."""
    h = 0
    power = 1
    for word in words:
        h = (h + _word_hash_scalar(word) * power) & MASK64
        power = (power * WORD_BASE) & MASK64
    return _fmix64_scalar(h) >> 32


def fmix64(values):
    """MurmurHash3's 64-bit finaliser on a uint64 numpy array (wrapping arithmetic)."""
    import numpy as np

    h = values ^ (values >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


_POWER_CACHE: dict[int, object] = {}


def powers(base: int, count: int):
    """``base**i mod 2**64`` for i < count (cached and grown, as every batch needs them)."""
    import numpy as np

    cached = _POWER_CACHE.get(base)
    if cached is None or len(cached) < count:
        size = max(2 * count, 1 << 21)
        powers = np.full(size, base, dtype=np.uint64)
        powers[0] = 1
        with np.errstate(over="ignore"):
            cached = np.cumprod(powers, dtype=np.uint64)
        _POWER_CACHE[base] = cached
    return cached[:count]


def shingle_hashes(normalized: list[str], ngram: int, bits: int = 32):
    """Hash the word shingles of many texts at once (:mod:`corpuskit.dedup.wordhash`).

    Returns ``(hashes, counts)``: the shingle hashes of every text in order (uint32, the
    top half of the 64-bit hash, or uint64 with ``bits=64``) and the number of shingles of
    each text (0 for a text with no words). Normalised or raw texts give the same result
    (normalisation is idempotent).
    """
    from corpuskit.dedup.wordhash import combine_shingles, word_hashes

    hashes, words = word_hashes(normalized)
    return combine_shingles(hashes, words, ngram, bits)


def cut_bits(hashes64, bits: int):
    """The 64-bit hashes as they are (``bits=64``) or their top 32 bits as uint32 (MinHash)."""
    import numpy as np

    if bits == 64:
        return hashes64
    return (hashes64 >> np.uint64(32)).astype(np.uint32)


def char_shingle_hash64(chars: str) -> int:
    """Scalar reference of the 64-bit hash of one ``chars:N`` shingle (a string)."""
    h = 0
    power = 1
    for char in chars:
        h = (h + (ord(char) + 1) * power) & MASK64
        power = (power * BYTE_BASE) & MASK64
    return _fmix64_scalar(h)


def char_shingle_hashes(normalized: list[str], size: int, bits: int = 32):
    """Hash every window of ``size`` code points of many normalised texts at once.

    Same return value as :func:`shingle_hashes`; a text shorter than ``size`` is one
    shingle. The window hash comes from prefix sums of ``(code point + 1) * BASE**i``.
    """
    import numpy as np

    lengths = np.array([len(t) for t in normalized], dtype=np.int64)
    counts = np.where(lengths >= size, lengths - size + 1, (lengths > 0).astype(np.int64))
    if not lengths.sum():
        return np.zeros(0, dtype=np.uint32 if bits == 32 else np.uint64), counts
    points = np.frombuffer("".join(normalized).encode("utf-32-le"), dtype=np.uint32)
    text_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    width = np.minimum(lengths, size)
    text_of = np.repeat(np.arange(len(normalized)), counts)
    starts = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    starts += text_start[text_of]
    ends = starts + width[text_of]
    with np.errstate(over="ignore"):
        weighted = (points.astype(np.uint64) + np.uint64(1)) * powers(BYTE_BASE, len(points))
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(weighted, dtype=np.uint64)))
        inverse = powers(pow(BYTE_BASE, -1, 1 << 64), len(points) + 1)
        hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
    return cut_bits(fmix64(hashes), bits), counts


def text_shingle_hashes(texts: list[str], unit: str, size: int, bits: int = 32):
    """Normalise raw texts and hash their ``words:N`` or ``chars:N`` shingles (see above)."""
    if unit == "chars":
        return char_shingle_hashes([normalize_text(t, False) for t in texts], size, bits)
    return shingle_hashes(texts, size, bits)
