def test_pages_render(client, login_as, make_customer):
    c = make_customer()
    login_as("admin")
    for url in ["/customers/", f"/customers/{c.id}", "/customers/new", f"/customers/{c.id}/edit",
                f"/customers/{c.id}/billing", "/customers/import", f"/customers/{c.id}/tabs/orders",
                "/customers/export.csv", f"/customers/{c.id}/contacts/new"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.data[:3000])
