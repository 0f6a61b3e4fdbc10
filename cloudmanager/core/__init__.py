"""Cross-cutting pieces: htmx helpers, security, errors, money, pagination."""
