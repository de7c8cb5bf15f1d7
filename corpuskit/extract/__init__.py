"""``corpuskit extract``: WARC records → Documents with the main text of each page.

Modules: :mod:`~corpuskit.extract.shards` (inputs, byte-range shards),
:mod:`~corpuskit.extract.warc` (record boundaries and iteration),
:mod:`~corpuskit.extract.decode` (charsets), :mod:`~corpuskit.extract.html` (trafilatura /
resiliparse), :mod:`~corpuskit.extract.deadline` (per-page time limit) and
:mod:`~corpuskit.extract.step` (the registered ``extract`` step).
"""
