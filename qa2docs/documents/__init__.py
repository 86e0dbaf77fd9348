"""The documents stage: the reducer's text files, read and written exactly.

The ESO text checklists and README.header.txt are parsed with the span of every answer and
edited in place (only answer spans change; every other byte survives); qa2docs.yaml (the
project facts typed once) is read and updated round-trip. :mod:`~qa2docs.documents.store` is
the one write path of them all (compare-and-swap under the SB root's lock).
"""
