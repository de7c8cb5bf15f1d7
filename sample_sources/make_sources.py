"""Write the small book, Wikipedia-dump and WebText fixtures of sample_sources/.

Run from the repository root: ``.venv/bin/python sample_sources/make_sources.py``. All text is
written for corpuskit (no third-party text); the output is deterministic, so the committed
files can be rebuilt and diffed. See sample_sources/README.md for what each file tests.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

LIGHTHOUSE = [
    "The lighthouse on Gull Point had been dark for eleven years when Maren Holt climbed the "
    "stairs with a lamp in one hand and a tin of oil in the other. The town below had given up "
    "on the tower, and the fishing boats now found their way home by the glow of the cannery.",
    "She counted the steps as her father had taught her. There were one hundred and twelve of "
    "them, each worn into a shallow bowl by the boots of keepers who had come before. At the top "
    "the great lens waited under a grey sheet, patient as a sleeping animal.",
    "It took her three days to clean the brass and two more to replace the cracked pane on the "
    "seaward side. The harbour master watched from the quay and said nothing, which in that town "
    "was a kind of approval.",
    "On the sixth evening she lit the wick. The light went round once, slowly, and then again, "
    "and far out on the water a horn answered. Maren sat down on the top step and laughed until "
    "her ribs ached, because she had not known until that moment how much she had wanted it.",
    "In the winter that followed the storms came early. Twice the tower shook so hard that the "
    "lens rang like a bell, and twice she kept the light turning by hand when the clockwork "
    "froze. The boats came home, every one of them, and the cannery sent up a crate of tinned "
    "herring with a note that said only: for the keeper.",
    "By spring the children of the town had started to climb the hill on Sundays. She showed "
    "them how the prisms bent the light and how the weights fell through the hollow centre of "
    "the tower. One girl asked whether the light was lonely, turning all night with nobody to "
    "see it. Maren told her that somebody was always watching, even when you could not see them.",
]

ORCHARD = [
    "My grandmother planted the orchard the year the river changed its course. She chose apples "
    "because, she said, an apple tree forgives a bad year and remembers a good one.",
    "There were forty trees in five rows, and each row had a name. The first was Patience, the "
    "second was Thrift, and the third, which never bore much fruit, was called Sunday because it "
    "only ever rested.",
    "Every September the whole family came home to pick. We climbed wooden ladders that creaked "
    "and swayed, and we argued about which apples were good enough for the table and which were "
    "only fit for cider. My uncle always lost these arguments and always started them again.",
    "The cider press stood in the barn under a tarpaulin for eleven months of the year. When we "
    "pulled the cover off it smelled of last autumn, sweet and a little sour, and the smell made "
    "everyone quiet for a moment, as if somebody had said a name we had not heard for a while.",
    "When my grandmother grew too old to climb, she sat in a chair at the end of the Patience "
    "row and called out instructions. She knew every tree by its bark and every branch by its "
    "habits. That one drops its fruit early, she would say. That one needs a prop before the "
    "wind comes.",
    "She died in the spring, before the blossom. We buried her at the end of the Sunday row, "
    "because she had always said that it was the only part of the orchard that knew how to sit "
    "still. That autumn the Sunday trees bore more fruit than they ever had before.",
]

JARDIN = [
    "Le jardin de la rue des Tilleuls était le plus petit du quartier, mais c'était aussi le "
    "plus têtu. Chaque printemps, Élise y semait des capucines, des fèves et des radis, et chaque "
    "été les escargots en réclamaient leur part.",
    "Sa voisine, Madame Bérénice, prétendait que les escargots étaient envoyés par le ciel pour "
    "enseigner la modestie aux jardiniers. Élise répondait qu'elle préférait apprendre la "
    "modestie autrement, par exemple en ratant une tarte aux pommes.",
    "Un été très sec, le puits de la cour tomba presque à sec. Les voisins se mirent d'accord : "
    "chacun arroserait à tour de rôle, le soir, quand la chaleur retombait. On vit alors des "
    "gens qui ne s'étaient jamais parlé porter ensemble des arrosoirs et échanger des graines.",
    "À la fin de l'été, le jardin n'avait jamais été aussi beau. Les capucines débordaient sur "
    "le trottoir, les fèves grimpaient jusqu'à la fenêtre du premier étage, et même les "
    "escargots semblaient satisfaits. Élise organisa un repas dans la cour, où chacun apporta "
    "un plat, et l'on resta à table jusqu'à ce que les étoiles apparaissent au-dessus des toits.",
    "Depuis ce jour, la rue des Tilleuls fête la fin de l'été avec un grand repas commun. On y "
    "raconte l'histoire du puits et des arrosoirs, et chaque année quelqu'un ajoute un détail "
    "qui n'a jamais existé, ce qui est la preuve qu'une histoire est devenue vraie.",
]

PG_HEADER = """The Project Gutenberg eBook of The Keeper of Gull Point

This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online
at www.gutenberg.org.

Title: The Keeper of Gull Point

Author: corpuskit fixture writers

Release Date: January 1, 2024 [eBook #99999]

Language: English

*** START OF THE PROJECT GUTENBERG EBOOK THE KEEPER OF GULL POINT ***

"""

PG_FOOTER = """

*** END OF THE PROJECT GUTENBERG EBOOK THE KEEPER OF GULL POINT ***

Updated editions will replace the previous one--the old editions will
be renamed.

START: FULL LICENSE

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK
"""

WIKI_NS = "http://www.mediawiki.org/xml/export-0.11/"

WIKI_PAGES = [
    (
        1,
        0,
        "Harbour seal",
        None,
        """{{Short description|Species of earless seal}}
{{Infobox animal
| name = Harbour seal
| status = LC
}}
The '''harbour seal''' (''Phoca vitulina'') is a [[Pinniped|true seal]] found along temperate and
Arctic coastlines of the Northern Hemisphere.<ref>{{cite book |title=Seals of the World |year=2001}}</ref>
It is the most widely distributed species of pinniped.<ref name="range">Range survey, 2010.</ref>
[[File:Harbour seal.jpg|thumb|right|A harbour seal resting on a rock]]

== Description ==
Harbour seals are brown, silvery white, tan or grey, with distinctive V-shaped nostrils. Adults
can reach a length of {{convert|1.85|m}} and a mass of up to 168 kilograms. Females outlive males.

{| class="wikitable"
|-
! Region !! Population
|-
| Atlantic || 100,000
|}

== Behaviour ==
Seals spend much of their time resting on rocky shores and sandbanks. They hunt fish, squid and
crustaceans, and can dive for up to thirty minutes.<!-- check dive time -->

== See also ==
* [[Grey seal]]

== References ==
{{Reflist}}

[[Category:Earless seals]]
[[de:Seehund]]
""",
    ),
    (
        2,
        0,
        "Tidal mill",
        None,
        """A '''tidal mill''' is a [[watermill]] driven by the rise and fall of the
[[tide]]s. A dam with a sluice is built across a suitable tidal inlet, or a section of a river
estuary is made into a reservoir.<ref>Mills survey.</ref>

== History ==
The earliest tidal mills date from the early medieval period. Many were built along the coasts of
Europe, where they ground grain for nearby towns. As the tide came in, water flowed through the
sluice into the pond; at low tide it was released through the wheel.

== Decline ==
Steam power and cheaper grain from distant farms made most tidal mills uneconomic by the end of the
nineteenth century. A few have been restored and can be visited today.

== External links ==
* [http://example.org/mills Mill society]
""",
    ),
    (
        3,
        0,
        "Sea glass",
        None,
        """'''Sea glass''' is glass found on beaches along oceans or large bodies of
water. It has been tumbled and smoothed by water and sand, giving it a frosted appearance.
{{Main|Beachcombing}}

Collectors value pieces by their colour. Common colours come from bottles for beer and soft drinks,
while rarer shades such as orange and red came from car lights, decorative glass and old warning
lamps.

== Formation ==
The process takes between twenty and forty years, and sometimes as long as a hundred years. Waves
break larger fragments into smaller ones and the water slowly leaches lime and soda from the
surface, which leaves the small pits that give sea glass its texture.
""",
    ),
    (4, 0, "Gull Point", None, "#REDIRECT [[Harbour seal]]\n"),
    (
        5,
        0,
        "Mercury (disambiguation)",
        None,
        """'''Mercury''' may refer to:
* [[Mercury (planet)]]
* [[Mercury (element)]]
{{disambiguation}}
""",
    ),
    (
        6,
        0,
        "Beacon",
        None,
        """'''Beacon''' may refer to:
* [[Lighthouse]], a tower that emits light
* [[Radio beacon]]
{{Disambig}}
""",
    ),
    (
        7,
        1,
        "Talk:Harbour seal",
        None,
        """== Population figures ==
The Atlantic figure looks out of date. Does anyone have a newer source? ~~~~
""",
    ),
    (8, 10, "Template:Reflist", None, "<references />\n"),
    (9, 0, "Salt marsh", True, ""),
    (
        10,
        0,
        "Kelp forest",
        None,
        """'''Kelp forests''' are underwater areas with a high density of
[[kelp]]. They are among the most productive and dynamic ecosystems on Earth.<ref>Ecology review.</ref>
Smaller areas of anchored kelp are called kelp beds.

== Ecology ==
Kelp forests provide a unique three-dimensional habitat for marine organisms. Sea otters, sea
urchins and many fish depend on them, and the balance between urchins and their predators decides
whether a forest thrives or turns into a barren.
{{Clear}}
""",
    ),
]

WEBTEXT = [
    (
        "https://www.example-news.org/2019/05/river-festival/",
        "The river festival returned this "
        "weekend after a two-year break. Thousands of visitors lined the banks to watch the boat "
        "parade, and local bakers sold out of pastries before noon. Organisers said the turnout was "
        "the largest in the festival's history. Next year they plan to add a night market.",
    ),
    (
        "http://blog.example.com/posts/fixing-a-bike-chain?utm_source=reddit",
        "A slipping bike chain "
        "is usually a sign of wear rather than a broken part. Measure the chain with a ruler: twelve "
        "links should span exactly twelve inches when new. If the span has grown by an eighth of an "
        "inch, replace the chain before it wears out the cassette as well.",
    ),
    (
        "https://example.edu/~kim/notes/why-the-sky-is-blue",
        "Sunlight contains every colour, but "
        "the molecules of the atmosphere scatter short wavelengths far more than long ones. Blue "
        "light is therefore scattered across the whole sky, which is why we see blue in every "
        "direction on a clear day. At sunset the light travels further through air, and reds win.",
    ),
    (
        "https://www.example-recipes.net/lentil-soup",
        "This lentil soup takes thirty minutes and uses "
        "what most kitchens already have. Soften an onion and two carrots in olive oil, add cumin and "
        "a cup of red lentils, then cover with stock. Simmer until the lentils collapse. Finish with "
        "lemon juice and plenty of black pepper.",
    ),
    (
        "https://example-science.org/articles/octopus-camouflage/",
        "Octopuses change colour in a "
        "fraction of a second using cells called chromatophores. Each cell is a small elastic sac of "
        "pigment surrounded by muscles. When the muscles contract, the sac stretches and the colour "
        "spreads. Remarkably, octopuses may sense light through their skin as well.",
    ),
    (
        "https://www.example-travel.com/guides/night-trains",
        "Night trains are enjoying a revival in "
        "Europe. Travellers like that they save a night in a hotel and arrive in the city centre. "
        "Book early for a sleeper compartment; couchettes are cheaper but shared with strangers. Bring "
        "earplugs, water and a light blanket.",
    ),
    (
        "http://forum.example.org/t/learning-to-juggle",
        "Start with one ball and throw it from hand to "
        "hand at eye level until the arc is steady. Add the second ball only when the first throw is "
        "boring. Most people can juggle three balls after a week of ten-minute sessions. Patience "
        "matters more than talent.",
    ),
    (
        "https://www.example-history.org/the-printing-press",
        "The printing press spread across Europe "
        "within fifty years of its invention. Cities with a press grew faster than those without, "
        "historians have found, because printed contracts, maps and textbooks lowered the cost of "
        "doing business and of learning a trade.",
    ),
]

# Listed URLs are written the way a URL list has them (scheme, www, tracking parameters and
# slashes differ from the documents' URLs) to exercise C4's URL normalisation.
URL_LIST = [
    "# WebText-like URL list for corpuskit's sample_sources (C4 webtextlike selection)",
    "http://example-news.org/2019/05/river-festival",
    "https://blog.example.com/posts/fixing-a-bike-chain",
    "https://www.example.edu/~kim/notes/why-the-sky-is-blue/",
    "https://www.example-recipes.net/lentil-soup?utm_medium=social&ref=front",
    "example-science.org/articles/octopus-camouflage",
    "https://www.example-history.org/the-printing-press",
    "https://not-in-the-export.example/never-crawled",
]


def write_books() -> None:
    books1 = HERE / "books" / "books1"
    books2 = HERE / "books" / "books2"
    books1.mkdir(parents=True, exist_ok=True)
    books2.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(LIGHTHOUSE)
    (books1 / "pg99999-keeper-of-gull-point.txt").write_bytes(
        (PG_HEADER + body + PG_FOOTER).replace("\n", "\r\n").encode("utf-8")
    )
    (books1 / "the-orchard.txt").write_text(
        "The Orchard\n\n" + "\n\n".join(ORCHARD) + "\n", encoding="utf-8"
    )
    text = "Le jardin têtu\n\n" + "\n\n".join(JARDIN) + "\n"
    (books2 / "le-jardin-tetu.cp1252.txt").write_bytes(text.encode("cp1252"))


def write_wiki() -> None:
    from xml.sax.saxutils import escape

    lines = [
        f'<mediawiki xmlns="{WIKI_NS}" version="0.11" xml:lang="en">',
        "  <siteinfo>",
        "    <sitename>Wikipedia</sitename>",
        "    <dbname>samplewiki</dbname>",
        "    <base>https://en.wikipedia.org/wiki/Main_Page</base>",
        "  </siteinfo>",
    ]
    for page_id, ns, title, redirect, text in WIKI_PAGES:
        lines += [
            "  <page>",
            f"    <title>{escape(title)}</title>",
            f"    <ns>{ns}</ns>",
            f"    <id>{page_id}</id>",
        ]
        if redirect or text.startswith("#REDIRECT"):
            target = "Harbour seal" if text.startswith("#REDIRECT") else "Kelp forest"
            lines.append(f'    <redirect title="{target}" />')
        lines += [
            "    <revision>",
            f"      <id>{1000 + page_id}</id>",
            "      <timestamp>2024-01-01T00:00:00Z</timestamp>",
            f'      <text bytes="{len(text.encode())}" xml:space="preserve">{escape(text)}</text>',
            "    </revision>",
            "  </page>",
        ]
    lines.append("</mediawiki>")
    folder = HERE / "wiki"
    folder.mkdir(exist_ok=True)
    (folder / "samplewiki-pages-articles.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_webtext() -> None:
    folder = HERE / "webtext"
    folder.mkdir(exist_ok=True)
    with open(folder / "webtext.jsonl", "w", encoding="utf-8") as fh:
        for number, (url, text) in enumerate(WEBTEXT):
            row = {
                "id": f"webtext-{number:04d}",
                "url": url,
                "text": text,
                "source": "openwebtext-sample",
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (folder / "urls.txt").write_text("\n".join(URL_LIST) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_books()
    write_wiki()
    write_webtext()
