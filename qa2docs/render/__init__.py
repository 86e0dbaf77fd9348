"""Rendering: the Jinja2 environment and filters, and the writers of text, HTML and PDF.

Templates get models and prepared contexts, never files: this package reads no input of a
reduction and knows no stage above the models.
"""
