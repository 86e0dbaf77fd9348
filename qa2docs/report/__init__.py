"""The report stage: HTML and PDF QA2 reports from facts, answers and findings.

Builds the template contexts of each EB and of the SB and renders them through
:mod:`qa2docs.render`.
"""
