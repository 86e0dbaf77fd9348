"""The discover stage: from any path, the SB root, its EB dirs and their documents.

First stage of the pipeline (see :mod:`qa2docs`): it knows the directory layout that
``qa2docs start`` makes and the seed's naming, and nothing of what the files hold.
"""
