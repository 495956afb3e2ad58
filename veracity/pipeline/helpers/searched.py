"""What a check searched, said exactly: how many documents, and with --as-of how many were dated and undated."""

from __future__ import annotations

from ...store.base import Store
from ...text import plural
from ...types import Failure, Source


def queries_count(n: int) -> str:
    return f"{n} {'query' if n == 1 else 'queries'}"


def searched_line(queries: int, total: int, store: Store, as_of: str | None) -> str:
    """ "3 queries over the 4 documents in the store", or with as_of "3 queries over the 1 document published on
    or before 2025-01-01 and the 3 undated ones (2 published later were left out)": never more than there are."""
    if as_of is None:
        return f"{queries_count(queries)} over the {plural(total, 'document')} in the store"
    dated, undated, later = store.count_as_of(as_of)
    parts = [f"the {plural(dated, 'document')} published on or before {as_of}"] if dated else []
    if undated:
        parts.append(f"the {undated} undated one{'s' * (undated != 1)}" if dated else
                     f"the {plural(undated, 'undated document')}")
    scope = " and ".join(parts) or f"no document published on or before {as_of}"
    left = f" ({later} published later {'was' if later == 1 else 'were'} left out)" if later else ""
    return f"{queries_count(queries)} over {scope}{left}"


def undated_sources(sources: list[Source], as_of: str | None) -> tuple[int | None, list[Failure]]:
    """With --as-of: how many of the report's sources have no date, and a note saying so when any do."""
    if as_of is None:
        return None, []
    undated = sum(1 for s in sources if s.published is None)
    if not undated:
        return 0, []
    return undated, [Failure("select", f"{undated} of the {plural(len(sources), 'source')} used "
                                       f"{'is' if undated == 1 else 'are'} undated: --as-of {as_of} cannot tell "
                                       "whether they were published by then, so they were kept")]
