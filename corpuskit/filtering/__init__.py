"""The ``filter`` stage: an ordered chain of filters and cleaners run on each shard.

Modules: :mod:`.chain` (building and validating the chain), :mod:`.runner` (applying it to
documents in the three modes: filter, annotate, from-signals), :mod:`.step` (the registered
step ``filter`` that reads a shard and writes kept/rejected documents, optionally one dataset
folder per language).
"""
