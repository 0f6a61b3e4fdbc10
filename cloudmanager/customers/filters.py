"""What the customer list was asked for: search term, filters, order, page.

Search results come newest first unless another order is chosen: both search
indexes can then stop after one page, where name order must find and sort every
match first (4,000 of them for a common word at 100,000 customers). The list
without a search is by name.
"""

from dataclasses import dataclass
from typing import Any

from cloudmanager.core.pagination import clamp_page_size, list_args
from cloudmanager.customers.models import STATUSES, Customer

SORTS = {
    "name": (Customer.name, Customer.id),
    "number": (Customer.number, Customer.id),
    "country": (Customer.country, Customer.id),
    "created": (Customer.id,),
}

# The order when none is chosen, without and with a search term.
DEFAULT_ORDER = {False: ("name", "asc"), True: ("created", "desc")}


@dataclass
class CustomerFilters:
    """What the list page was asked for (from the query string).

    `order` and `direction` are what the user chose ("" for the default); `sort`
    and `dir` are the order the list is in.
    """

    q: str = ""
    status: str = ""
    tag: str = ""
    country: str = ""
    order: str = ""
    direction: str = ""
    cursor: str | None = None
    size: int = 25

    @classmethod
    def from_args(cls, args: Any) -> "CustomerFilters":
        """Read and sanitize filters from `request.args`."""
        args = list_args(args)
        order = args.get("sort", "")
        direction = args.get("dir", "")
        return cls(
            q=(args.get("q") or "").strip()[:100],
            status=args.get("status", "") if args.get("status") in STATUSES else "",
            tag=(args.get("tag") or "").strip().lower()[:40],
            country=(args.get("country") or "").strip().upper()[:2],
            order=order if order in SORTS else "",
            direction=direction if direction in ("asc", "desc") else "",
            cursor=args.get("cursor") or None,
            size=clamp_page_size(args.get("size")),
        )

    @property
    def sort(self) -> str:
        """The key the list is sorted by."""
        return self.order or DEFAULT_ORDER[bool(self.q)][0]

    @property
    def dir(self) -> str:
        """ "asc" or "desc"."""
        if self.direction:
            return self.direction
        return "asc" if self.order else DEFAULT_ORDER[bool(self.q)][1]

    def params(self) -> dict[str, Any]:
        """The non-default filters, for links that keep them (pager, sort, export)."""
        values = {
            "q": self.q,
            "status": self.status,
            "tag": self.tag,
            "country": self.country,
            "sort": self.order,
            "dir": self.direction,
        }
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        """True when anything narrows the list."""
        return bool(self.q or self.status or self.tag or self.country)
