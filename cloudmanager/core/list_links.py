"""The links every list page has: sortable column headers and the keyset pager.

Built in Python rather than as Jinja macros: a macro call costs more than the
string it returns, and a list page makes several of them on every request.
Both are template globals (`sort_header_row(...)`, `pager(...)`).
"""

from typing import Any, Mapping, Sequence

from flask import current_app, request
from markupsafe import Markup, escape

from cloudmanager.core.bounded import BoundedDict
from cloudmanager.core.urls import list_url

IDLE_ICON = '<i class="bi bi-chevron-expand sort-idle" aria-hidden="true"></i>'


def sort_header_row(
    columns: Sequence[tuple[str, str | None, str]],
    current_sort: str | None,
    current_dir: str = "asc",
    endpoint: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Markup:
    """The <th>s of a list's header row; each column sortable by its key, if it has one.

    `columns` holds (label, sort key or None, CSS class) per column. A sortable
    column's link sorts by its key (ascending first, then toggling) from page one.
    Every page of a list has the same header: it is built once per process.
    """
    found = _endpoint(endpoint)
    key_of_call = (
        id(current_app.url_map),
        request.script_root,
        tuple(columns),
        current_sort,
        current_dir,
        found,
        tuple((params or {}).items()),
    )
    return _HEADERS.get_or_build(
        key_of_call,
        lambda: Markup("").join(
            (
                _sort_header(label, key, current_sort, current_dir, found, params, css_class)
                if key
                else Markup("<th{}>{}</th>").format(_th_attributes(css_class), label)
            )
            for label, key, css_class in columns
        ),
    )


_HEADERS: BoundedDict[tuple, Markup] = BoundedDict(4096)


def _sort_header(
    label: str,
    key: str,
    current_sort: str | None,
    current_dir: str,
    endpoint: str,
    params: Mapping[str, Any] | None,
    css_class: str,
) -> Markup:
    is_current = current_sort == key
    ascending = current_dir == "asc"
    link_params = {
        **(params or {}),
        "sort": key,
        "dir": "desc" if is_current and ascending else "asc",
    }
    link_params.pop("cursor", None)
    href = escape(list_url(endpoint, link_params))
    if is_current:
        sort_attribute = f' aria-sort="{"ascending" if ascending else "descending"}"'
        icon = (
            f'<i class="bi bi-caret-{"up" if ascending else "down"}-fill" aria-hidden="true"></i>'
        )
    else:
        sort_attribute, icon = "", IDLE_ICON
    return Markup(
        f"<th{_th_attributes(css_class)}{sort_attribute}>"
        f'<a class="sort-link" href="{href}">{escape(label)} {icon}</a></th>'
    )


def _th_attributes(css_class: str) -> Markup:
    """A header cell's scope, and its class if it has one."""
    if not css_class:
        return Markup(' scope="col"')
    return Markup(' scope="col" class="{}"').format(css_class)


def pager(
    page: Any,
    endpoint: str | None = None,
    params: Mapping[str, Any] | None = None,
    target: str | None = None,
) -> Markup:
    """First and Next links for a keyset `page`, keeping the filters in `params`.

    Nothing when there is a single page. A link that leads nowhere is disabled for
    the keyboard too; with `target`, the links swap only that element (htmx).
    """
    on_later_page = bool(request.args.get("cursor"))
    if not (page.has_next or on_later_page):
        return Markup("")
    endpoint = _endpoint(endpoint)
    link_params = {name: value for name, value in (params or {}).items() if name != "cursor"}
    first = _page_link(
        "First",
        list_url(endpoint, link_params),
        target,
        enabled=on_later_page,
        icon_before="chevron-double-left",
    )
    next_url = "#"
    if page.has_next:
        next_url = list_url(endpoint, {**link_params, "cursor": page.next_cursor})
    following = _page_link(
        "Next", next_url, target, enabled=page.has_next, icon_after="chevron-right"
    )
    return Markup(
        '<nav aria-label="Pages" class="d-flex justify-content-between align-items-center mt-3">'
        f'<span class="text-body-secondary small">{len(page.items)} shown</span>'
        f'<ul class="pagination pagination-sm mb-0">{first}{following}</ul></nav>'
    )


def _endpoint(endpoint: str | None) -> str:
    """The given endpoint, else the current request's."""
    found = endpoint or request.endpoint
    if found is None:
        raise RuntimeError("a list link needs an endpoint outside a routed request")
    return found


def _page_link(
    label: str,
    url: str,
    target: str | None,
    *,
    enabled: bool,
    icon_before: str = "",
    icon_after: str = "",
) -> str:
    """One pager item; a disabled one is out of the tab order and swaps nothing."""
    before = f'<i class="bi bi-{icon_before}" aria-hidden="true"></i> ' if icon_before else ""
    after = f' <i class="bi bi-{icon_after}" aria-hidden="true"></i>' if icon_after else ""
    href = escape(url)
    if not enabled:
        return (
            f'<li class="page-item disabled"><a class="page-link" href="{href}"'
            f' aria-disabled="true" tabindex="-1">{before}{label}{after}</a></li>'
        )
    swap = f' hx-get="{href}" hx-target="{escape(target)}" hx-push-url="true"' if target else ""
    return (
        f'<li class="page-item"><a class="page-link" href="{href}"{swap}>'
        f"{before}{label}{after}</a></li>"
    )
