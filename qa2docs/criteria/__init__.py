"""The QA2 criteria: domain knowledge that both the answers and the validation rules use.

Tolerances by Cycle (``tolerances.yaml``, package data), the cross-EB flux comparison, the
per-EB flux table it runs on, quantity parsing, and the judgement of achieved rms and beam.
"""
