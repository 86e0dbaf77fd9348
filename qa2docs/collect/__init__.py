"""The collect stage: run the extractors on an EB dir (or the SB's calibrated/ dir) and
resolve one fact per field, most specific source first, through the fact cache.

:class:`~qa2docs.collect.factset.FactSet` is what every later stage reads.
"""
