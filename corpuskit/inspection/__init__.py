"""Reading documents for people: ``--where`` expressions and seeded, row-group-wise sampling.

Shared by ``corpuskit inspect`` and ``corpuskit report``; both read Parquet footers and only
the row groups they need, never a whole dataset.
"""
