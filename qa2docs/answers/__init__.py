"""The answers stage: facts become proposed answers, merged into the documents.

``eb``/``sb`` turn facts into proposals per document; ``merge`` is the three-way merge that
never overwrites a person's answer; ``fill`` and ``explain`` run it on an SB or EB.
"""
