"""Tokenization for the trainer: token shards from a package (``corpuskit tokenize``), and a
byte-level BPE trained on the corpus (``corpuskit tokenizer train``). See docs/tokenize.md."""
