"""Editor errors as sentences for the totals preview."""

from cloudmanager.core.forms import line_messages


def test_line_errors_read_in_line_order_after_general_ones():
    errors = {
        "lines-10-quantity": "Enter a quantity.",
        "lines-1-product": "Choose a product.",
        "lines": "Add at least one line.",
    }
    assert line_messages(errors) == [
        "Add at least one line.",
        "Line 2: Choose a product.",
        "Line 11: Enter a quantity.",
    ]
