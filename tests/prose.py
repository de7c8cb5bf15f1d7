"""Deterministic, varied English prose and boilerplate-like pages (for filter tests and bench).

Sentences are drawn from a small grammar with large word lists, so n-grams rarely repeat and
the texts pass the Gopher/C4/FineWeb rules the way real article text does; the boilerplate
pages (menus, cookie notices, link lists, repeated lines, code) fail them the way real
boilerplate does.
"""

from __future__ import annotations

import random

ADJECTIVES = (
    "new",
    "old",
    "small",
    "northern",
    "quiet",
    "busy",
    "local",
    "famous",
    "narrow",
    "modern",
    "wooden",
    "public",
    "empty",
    "crowded",
    "historic",
    "broken",
    "bright",
    "rural",
    "costly",
    "careful",
    "early",
    "recent",
    "strange",
    "popular",
    "simple",
    "heavy",
    "gentle",
    "private",
)
NOUNS = (
    "council",
    "teacher",
    "library",
    "bridge",
    "bakery",
    "museum",
    "farmer",
    "engineer",
    "nurse",
    "club",
    "researcher",
    "harbour",
    "committee",
    "railway",
    "pilot",
    "school",
    "volunteer",
    "mayor",
    "garden",
    "station",
    "market",
    "clinic",
    "festival",
    "survey",
    "storm",
    "river",
    "budget",
    "tram",
    "letter",
    "photograph",
    "mill",
    "road",
    "factory",
    "orchestra",
    "village",
    "hospital",
    "newspaper",
    "theatre",
    "forest",
    "kitchen",
    "tower",
    "island",
    "shop",
    "court",
)
VERBS = (
    "announced",
    "described",
    "questioned",
    "celebrated",
    "reviewed",
    "postponed",
    "explained",
    "supported",
    "criticised",
    "documented",
    "repaired",
    "visited",
    "measured",
    "organised",
    "welcomed",
    "compared",
    "rebuilt",
    "funded",
    "delayed",
    "recorded",
    "painted",
    "opened",
)
PREPOSITIONS = ("near", "behind", "beside", "above", "below", "around", "beyond", "inside")
DETERMINERS = ("the", "a", "our", "their", "this", "that", "every", "one")
TIMES = (
    "Monday",
    "Tuesday",
    "Friday",
    "noon",
    "dawn",
    "midnight",
    "lunchtime",
    "sunset",
    "breakfast",
    "winter",
    "spring",
    "summer",
    "autumn",
    "Easter",
    "harvest",
    "dinner",
)
CONNECTIVES = (
    "Meanwhile,",
    "However,",
    "As a result,",
    "In addition,",
    "Later,",
    "According to witnesses,",
    "For many people,",
    "At the same time,",
    "Even so,",
    "By then,",
)


def _phrase(rng: random.Random) -> str:
    return f"{rng.choice(DETERMINERS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"


def english_sentence(rng: random.Random) -> str:
    parts = [
        _phrase(rng),
        rng.choice(VERBS),
        _phrase(rng),
        rng.choice(PREPOSITIONS),
        _phrase(rng),
        f"before {rng.choice(TIMES)}" if rng.random() < 0.5 else f"and {rng.choice(VERBS)} it",
    ]
    if rng.random() < 0.3:
        parts.insert(0, rng.choice(CONNECTIVES))
    text = " ".join(parts)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?"))


def english_article(seed: int, paragraphs: int = 4, sentences: int = 5) -> str:
    """Paragraphs of varied sentences separated by blank lines (about 60 words each)."""
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(english_sentence(rng) for _ in range(sentences)) for _ in range(paragraphs)
    )


BOILERPLATE_KINDS = ("menu", "cookie", "links", "repeated", "code", "short")


def boilerplate_page(seed: int, kind: str | None = None) -> str:
    """A page that quality filters should drop: menus, cookie banners, link lists, code..."""
    rng = random.Random(seed)
    kind = kind or BOILERPLATE_KINDS[seed % len(BOILERPLATE_KINDS)]
    if kind == "menu":
        items = ["Home", "News", "Sport", "Weather", "Contact", "About us", "Login", "Search"]
        return "\n".join(rng.sample(items, len(items)) * 3)
    if kind == "cookie":
        return (
            "This website uses cookies to improve your experience.\nAccept all\nReject\n"
            "Read our privacy policy and terms of use.\nManage preferences\n" * 3
        )
    if kind == "links":
        return "\n".join(f"- {_phrase(rng).title()} ({rng.randint(1, 99)})" for _ in range(30))
    if kind == "repeated":
        line = english_sentence(rng)
        return "\n".join([line] * 15)
    if kind == "code":
        return "\n".join(
            f"function f{i}(x) {{ return x * {i}; }}  // helper {i}" for i in range(20)
        )
    return rng.choice(("Page not found.", "Subscribe now!", "Loading..."))
