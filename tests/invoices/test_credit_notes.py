def test_closing_discount_lands_the_net_exactly_on_the_target():
    from decimal import Decimal

    from cloudmanager.invoices.calculation import line_net
    from cloudmanager.invoices.credit_notes import closing_discount

    # 0.010 × 0.5000 = 0.005 → net 0.01; rounding 0.005 − 0.01 on its own gave 0.02.
    cases = [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("1.004", "0.99"),
        ("0.0049", "0.00"),
        ("10", "3.33"),
    ]
    for amount, target in cases:
        amount, target = Decimal(amount), Decimal(target)
        assert line_net(amount, Decimal(1), closing_discount(amount, target)) == target
