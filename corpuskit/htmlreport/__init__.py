"""``corpuskit report``: one self-contained HTML page about a pipeline's output.

``layout`` finds the dataset folders behind the paths given, ``funnel`` turns their
``corpuskit stats`` summaries into the funnel, ``evidence`` samples rejected documents and
matches their signals to the thresholds that decided, ``distributions`` and ``clusters``
sample what was kept and what dedup removed, ``svg`` draws the charts and ``page`` writes
the HTML. Everything is read from ``_stats/``, manifests, Parquet footers and a few sampled
row groups, never from a whole dataset.
"""
