"""Extractors: one module per input kind, each turning a file into Facts."""
