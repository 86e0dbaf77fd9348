"""Rendering: Jinja2 templates to text, HTML and PDF."""
