"""Text helpers: canned-response placeholders, HTML mail to text, quoted history trimming."""

import re
from html.parser import HTMLParser
from typing import Any

PLACEHOLDERS = {
    "customer_name": "The customer's name",
    "contact_name": "The requester's name",
    "ticket_number": "The ticket number",
    "ticket_subject": "The ticket subject",
    "agent_name": "Your name",
    "department": "The ticket's department",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholder_values(ticket: Any, agent: Any) -> dict[str, str]:
    """The values of every placeholder for `ticket`, answered by `agent`."""
    return {
        "customer_name": ticket.customer.name if ticket.customer else ticket.requester_label,
        "contact_name": ticket.requester_label,
        "ticket_number": ticket.number or "",
        "ticket_subject": ticket.subject,
        "agent_name": getattr(agent, "name", ""),
        "department": ticket.department,
    }


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace {known} placeholders; anything else in braces stays as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML email (tags dropped, blocks become lines)."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_QUOTE_HEADERS = [
    re.compile(r"^On .{1,200}wrote:\s*$", re.I),
    re.compile(r"^Am .{1,200}schrieb .{0,200}:\s*$", re.I),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.I),
    re.compile(r"^_{5,}\s*$"),
    re.compile(r"^From:\s.+", re.I),
    re.compile(r"^-- ?$"),  # signature separator
]
REPLY_ABOVE = "-- Reply above this line --"


def trim_quoted(text: str) -> str:
    """The new part of a reply: cut at our marker, a quote header or the quoted block."""
    kept: list[str] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if REPLY_ABOVE.lower() in stripped.lower():
            break
        if any(p.match(stripped) for p in _QUOTE_HEADERS):
            break
        if stripped.startswith(">"):
            break
        kept.append(line)
    result = "\n".join(kept).strip()
    return result or (text or "").strip()
