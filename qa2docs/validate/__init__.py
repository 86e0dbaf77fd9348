"""The validate stage: named rules (QA2xxx) over the documents and facts of an SB.

``run`` is the entry point (``validate_path``); ``context`` holds what the rules read; one
module per family of rules; ``report`` the findings and their JSON shape.
"""
