"""The ``qa2docs`` command line: ``main`` (the click group) and a module per command or
command group, each a thin wrapper over :mod:`qa2docs.api` and the workflow helpers."""
