"""Benchmark decontamination: GPT-3's 13-gram rule (Brown et al. 2020, appendix C).

:mod:`.ngrams` normalises words and hashes n-grams, :mod:`.index` builds the reusable index
of benchmark n-grams, :mod:`.rule` cuts one document, :mod:`.steps` and :mod:`.pipeline` run
the two phases (count collisions per n-gram, then apply) over dataset folders.
"""
