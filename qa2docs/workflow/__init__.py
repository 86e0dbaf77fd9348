"""The seed's workflow helpers, each a ``qa2docs`` subcommand.

``start`` (qa2_start), ``housekeeping`` (qa2_clear, qa2_fluxequal_start.sh, qa2_lock),
``overview`` (qa2.listobs), ``packaging`` (run_packaging.py, qa2_deliver), ``download``
(qa2_download) and ``batch`` (every report under a folder).
"""
