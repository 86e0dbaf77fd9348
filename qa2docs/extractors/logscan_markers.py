"""The marker regexes of a shared scan of a casa log (see
:mod:`qa2docs.extractors.logscan`, which re-exports these names)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable

from qa2docs.extractors.logscan_hs import Finder, hs_finder, re_finder


@dataclass(frozen=True)
class Markers:
    """The two compiled forms of one marker set (see :func:`compile_markers`)."""

    tabbed: re.Pattern[bytes]
    """For tab-separated logs: each phrase right after the tab that opens the message."""
    spaced: re.Pattern[bytes]
    """For logger-window copies with spaces: each phrase anywhere in the line."""
    hs_tabbed: tuple[bytes, ...] = ()
    """:attr:`tabbed` as Hyperscan expressions (see :mod:`qa2docs.extractors.logscan_hs`)."""
    hs_spaced: tuple[bytes, ...] = ()
    """:attr:`spaced` as Hyperscan expressions."""

    def finder(self, tabbed: bool) -> Finder:
        """The search for the :attr:`tabbed` or :attr:`spaced` markers in a scan: with
        Hyperscan when it is installed and takes them, else with ``re``."""
        find = hs_finder(self.hs_tabbed if tabbed else self.hs_spaced)
        return find or re_finder(self.tabbed if tabbed else self.spaced)


def compile_markers(message_starts: Iterable[bytes], priorities: Iterable[bytes] = ()) -> Markers:
    """Build the marker regexes from message-start phrases and priority names.

    Args:
        message_starts: regex sources (bytes) that a wanted message begins with, after any
            leading spaces or ``#`` (``##### Begin Task``); none begins with a space or
            ``#`` itself (the Hyperscan form of the markers is not possessive).
        priorities: priority names (``WARN``, ``SEVERE``) whose lines are wanted whatever
            their message.
    """
    message_starts = tuple(message_starts)
    starts = b"|".join(message_starts)
    prios = b"|".join(priorities)
    # possessive: a failed try at a tab must not backtrack into the spaces (2x faster)
    tabbed = [rb"[ #]*+(?:" + starts + rb")"] if starts else []
    tabbed += [rb"(?:" + prios + rb")\t"] if prios else []
    spaced = [rb"(?:" + starts + rb")"] if starts else []
    spaced += [rb"[\t ](?:" + prios + rb")[\t ]"] if prios else []
    if not spaced:
        raise ValueError("no markers: give message starts or priorities")
    # Hyperscan: one expression a phrase (a multi-literal search), not possessive
    hs_tabbed = [rb"\t[ #]*(?:" + s + rb")" for s in message_starts]
    hs_tabbed += [rb"\t(?:" + prios + rb")\t"] if prios else []
    hs_spaced = [rb"(?:" + s + rb")" for s in message_starts]
    hs_spaced += [rb"[\t ](?:" + prios + rb")[\t ]"] if prios else []
    return Markers(re.compile(rb"\t(?:" + b"|".join(tabbed) + rb")"),
                   re.compile(b"|".join(spaced)), tuple(hs_tabbed), tuple(hs_spaced))


@functools.lru_cache(maxsize=64)
def markers_of(message_starts: tuple[bytes, ...], priorities: tuple[bytes, ...] = ()) -> Markers:
    """:func:`compile_markers`, compiled once per distinct marker set."""
    return compile_markers(message_starts, priorities)
