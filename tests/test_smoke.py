def test_landing_is_public(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Tandem" in response.content


def test_pages_require_login(client, db):
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
