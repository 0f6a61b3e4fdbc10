"""Which part of a search term PostgreSQL's trigram indexes should read.

A trigram index answers `LIKE '%term%'` by reading the posting list of every
trigram of the term and intersecting them. When most customers share some of
those trigrams (every address at "gmail.com" has "gma", "mai", "ail"), that is
most of the index, for a term that matches one row. Reading only the rarest part
of the term from the index and checking the whole term on the few rows it leaves
(`strpos`) gives the same rows for a fraction of the work: "customer4242@" at
100,000 customers whose e-mails all start with "customer" took 2.0 ms, 0.24 ms
through "r4242".

A common term in newest-first order is better served by walking the ordered
postings of its rarest trigram (search_postings.py), which stop after a page:
`walked_trigram` says when.

How common each trigram and term is comes from a sample of about 1,000 customers,
taken per process every few minutes. The choice only decides what the indexes
read: the rows are the same either way.
"""

import time
from collections import Counter
from typing import NamedTuple

from sqlalchemy import text

from cloudmanager.core.bounded import BoundedDict
from cloudmanager.core.change_stamps import on_forget_all
from cloudmanager.customers.search_postings import indexed_trigrams
from cloudmanager.customers.tag_list import TAG_SEPARATOR
from cloudmanager.extensions import db

SAMPLE_ROWS = 1000
SAMPLE_SECONDS = 600
# Fetching and checking a candidate row costs about this many posting entries read.
ROW_CHECK_COST = 50.0
# Each further trigram of a part leaves at most this share of the candidates.
NARROWING = 0.25
LONGEST_PART = 6

# The planner's estimate of the table's rows (-1 or 0 before its first ANALYZE).
_TABLE_ROWS = "SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass"
TABLE_ROWS_SQL = text(_TABLE_ROWS)
# Block sampling: about SAMPLE_ROWS rows whatever the table's size, without reading it all.
SAMPLE_SQL = text(
    "SELECT search_text, status, country, tag_list FROM customers TABLESAMPLE SYSTEM "
    f"(LEAST(100, :rows * 200.0 / GREATEST(({_TABLE_ROWS}), 1))) LIMIT :rows"
)

# The list's filters: status, country and tag ("" for any).
Wanted = tuple[str, str, str]


class Sampled(NamedTuple):
    """A sampled customer: what the search and the list's filters match."""

    search_text: str
    status: str = "active"
    country: str = ""
    tag_list: str = ""

    def passes(self, wanted: Wanted) -> bool:
        """True when the row passes the list's filters (`wanted`; "" is any)."""
        status, country, tag = wanted
        return (
            (not status or self.status == status)
            and (not country or self.country == country)
            and (not tag or tag in self.tag_list.split(TAG_SEPARATOR))
        )


class TrigramShares:
    """How many of the sampled rows hold each trigram, of a table of `table_rows`."""

    def __init__(self, sample: list[Sampled], table_rows: float = 0):
        self.sample = sample
        self.rows = len(sample)
        self.table_rows = max(table_rows, self.rows)
        self.counts: Counter[str] = Counter()
        for row in sample:
            value = row.search_text
            self.counts.update({value[i : i + 3] for i in range(len(value) - 2)})
        self._parts: BoundedDict[str, str | None] = BoundedDict(2048)
        self._walks: BoundedDict[tuple[str, int, Wanted], str | None] = BoundedDict(2048)

    def share(self, trigram: str) -> float:
        """The share of rows holding `trigram` (half a row when none of the sample does)."""
        return (self.counts.get(trigram) or 0.5) / max(self.rows, 1)

    def narrowest_part(self, term: str) -> str | None:
        """`narrowest_part(term, self)`, worked out once per term."""
        return self._parts.get_or_build(term, lambda: narrowest_part(term, self))

    def walked_trigram(self, term: str, page_rows: int, wanted: Wanted) -> str | None:
        """`walked_trigram(…, self)`, worked out once per term, page size and filters."""
        return self._walks.get_or_build(
            (term, page_rows, wanted), lambda: walked_trigram(term, page_rows, wanted, self)
        )


def _trigrams(part: str) -> list[str]:
    return [part[i : i + 3] for i in range(len(part) - 2)]


def narrowest_part(term: str, shares: TrigramShares) -> str | None:
    """The run of 3 to 6 letters and digits of `term` the index should read, or None.

    None when the whole term is the cheaper read (or nothing is known). A part
    costs its trigrams' shares (the posting lists read) plus the rows expected to
    hold it (each fetched and checked).
    """
    if not shares.rows or len(term) < 4:
        return None

    def cost(part: str) -> float:
        trigram_shares = [shares.share(trigram) for trigram in _trigrams(part)]
        candidates = min(trigram_shares) * NARROWING ** (len(trigram_shares) - 1)
        return sum(trigram_shares) + ROW_CHECK_COST * candidates

    parts = {
        term[start : start + size]
        for size in range(3, LONGEST_PART + 1)
        for start in range(len(term) - size + 1)
        if term[start : start + size].isalnum()
    }
    best = min(parts, key=cost, default=None)
    whole = sum(shares.share(trigram) for trigram in _trigrams(term))
    if best is None or cost(best) >= whole / 2:
        return None
    return best


def walked_trigram(term: str, page_rows: int, wanted: Wanted, shares: TrigramShares) -> str | None:
    """The trigram whose ordered postings a newest-first search for `term` should walk.

    None when the trigram index is the cheaper read. Walking the rarest trigram's
    postings checks about `page_rows` / (the share of its rows that hold the whole
    term and pass the filters `wanted`) rows before a page is full, or all its rows
    when fewer match; the trigram index fetches and sorts every match. A term (and
    filters) no sampled row holds is rare: the trigram index finds its few rows at once.
    """
    trigrams = indexed_trigrams(term)
    holding = sum(term in row.search_text and row.passes(wanted) for row in shares.sample)
    if not trigrams or not holding:
        return None
    rarest = min(sorted(trigrams), key=shares.share)
    trigram_share, term_share = shares.share(rarest), holding / shares.rows
    walked = min(trigram_share * shares.table_rows, page_rows * trigram_share / term_share)
    return rarest if walked < term_share * shares.table_rows else None


def trigram_shares() -> TrigramShares:
    """The process's trigram shares of `customers.search_text`, sampled anew when old."""
    kept = _kept.get("shares")
    if kept and time.monotonic() < kept[0]:
        return kept[1]
    sample = [Sampled(*row) for row in db.session.execute(SAMPLE_SQL, {"rows": SAMPLE_ROWS})]
    shares = TrigramShares(sample, db.session.scalar(TABLE_ROWS_SQL) or 0)
    _kept["shares"] = (time.monotonic() + SAMPLE_SECONDS, shares)
    return shares


_kept: dict[str, tuple[float, TrigramShares]] = {}
on_forget_all(_kept.clear)
