from __future__ import annotations

from tests.factories import TEST_PASSWORD


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_is_styled_like_the_app(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Log in to Chime" in response.content
    assert b"bootstrap.min.css" in response.content


def test_a_practitioner_logs_in_and_lands_on_their_caseload(client, practitioner):
    response = client.post("/login/", {"username": "practitioner", "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"My caseload" in response.content


def test_a_wrong_password_is_refused_with_a_message(client, practitioner):
    response = client.post("/login/", {"username": "practitioner", "password": "wrong"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content


def test_logout_ends_the_session(client, practitioner):
    client.force_login(practitioner)
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_password_change(client, practitioner):
    client.force_login(practitioner)
    new = "a-brand-new-password-99"
    response = client.post(
        "/password/", {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password(new)


def test_pages_with_personal_data_are_not_cached(client, practitioner):
    client.force_login(practitioner)
    assert "no-store" in client.get("/")["Cache-Control"]


def test_pages_carry_a_content_security_policy(client, db):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
