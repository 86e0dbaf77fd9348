"""A list that grows with a log, kept bounded: its first and last N items and its length."""

from __future__ import annotations

from collections import deque
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Bounded(Generic[T]):
    """The first and the last *shown* items of a sequence too long to keep, and its length."""

    def __init__(self, shown: int) -> None:
        self.head: list[T] = []
        self.tail: deque[T] = deque(maxlen=shown)
        self.shown = shown
        self.total = 0

    def add(self, item: T) -> bool:
        """Keep *item* for now (at the head: for good); True if it went to the head."""
        self.total += 1
        if len(self.head) < self.shown:
            self.head.append(item)
            return True
        self.tail.append(item)
        return False

    def items(self) -> list[T]:
        """What is kept, in order."""
        return self.head + list(self.tail)

    def extend(self, later: Bounded[T]) -> list[T]:
        """Add the sequence *later* kept as if its items were added one by one; the items
        that went to the head."""
        to_head = [item for item in later.head if self.add(item)]
        self.total += later.total - len(later.head) - len(later.tail)
        return to_head + [item for item in later.tail if self.add(item)]

    def map(self, func: Callable[[T], T]) -> None:
        """Replace each item kept by ``func(item)``."""
        self.head = [func(item) for item in self.head]
        self.tail = deque(map(func, self.tail), maxlen=self.tail.maxlen)

    def note(self, what: str) -> str | None:
        """``N <what>; first H and last T shown`` when some were left out, else None."""
        if self.total <= len(self.head) + len(self.tail):
            return None
        return f"{self.total} {what}; first {len(self.head)} and last {len(self.tail)} shown"
