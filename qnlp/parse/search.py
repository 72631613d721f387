"""Best-first enumeration of type assignments by total cost.

Why: each word has a few candidate roles, each with a cost (0 for the role
spaCy's analysis suggests). To try whole assignments in order of cost (for
instance to check them with :func:`qnlp.parse.reduce.reduce`), walk the
product of the candidate lists in order of increasing total cost, without
building the (exponential) product. :class:`qnlp.parse.EnglishParser` now
searches roles and cups together with :mod:`qnlp.parse.chart`, which is
exact without such an enumeration; this helper stays for other uses.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence

__all__ = ["cheapest_first"]


def cheapest_first(costs: Sequence[Sequence[float]], limit: int | None = None) -> Iterator[tuple[float, tuple[int, ...]]]:
    """Yield choices (one index per list) in order of increasing total cost.

    Parameters
    ----------
    costs : sequence of sequences of float
        ``costs[w][c]`` is the cost of choice ``c`` for word ``w``; each inner
        list must be sorted in increasing order.
    limit : int, optional
        Stop after this many choices (the search bound).

    Yields
    ------
    (float, tuple of int)
        The total cost and the chosen index for each word. Ties come out in
        lexicographic order of the index tuples, so the order is reproducible.

    >>> list(cheapest_first([[0, 1], [0, 0.5]]))
    [(0, (0, 0)), (0.5, (0, 1)), (1, (1, 0)), (1.5, (1, 1))]
    """
    if any(len(options) == 0 for options in costs):
        return
    start = tuple(0 for _ in costs)
    heap: list[tuple[float, tuple[int, ...]]] = [(sum(options[0] for options in costs), start)]
    seen = {start}
    emitted = 0
    while heap and (limit is None or emitted < limit):
        total, choice = heapq.heappop(heap)
        yield total, choice
        emitted += 1
        for word, index in enumerate(choice):
            if index + 1 < len(costs[word]):
                nxt = choice[:word] + (index + 1,) + choice[word + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    cost = sum(options[i] for options, i in zip(costs, nxt))
                    heapq.heappush(heap, (cost, nxt))
