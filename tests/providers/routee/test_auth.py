"""OAuth2 client credentials [routee.md §2]: tokens, their expiry on the mock's clock, scopes."""

from __future__ import annotations

import base64


def test_a_token_has_the_documented_fields(routee) -> None:
    body = routee.token_response().json()

    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert "voice" in body["scope"].split()
    assert "MT_ROLE_VOICE" in body["permissions"]
    assert len(body["access_token"]) == 36


def test_the_documented_example_application_gets_a_token(routee, new_client) -> None:
    new_client(applicationId="5756a411e4b06a33d50517c7", applicationSecret="vb6QpjCIOG")
    header = "Basic NTc1NmE0MTFlNGIwNmEzM2Q1MDUxN2M3OnZiNlFwakNJT0c="  # [routee.md §2]
    assert base64.b64decode(header.split()[1]) == b"5756a411e4b06a33d50517c7:vb6QpjCIOG"

    response = routee.http.post(
        "/oauth/token",
        headers={"Authorization": header, "Content-Type": "application/x-www-form-urlencoded"},
        content=b"grant_type=client_credentials",
    )

    assert response.status_code == 200, response.text


def test_a_live_token_is_handed_out_again_with_its_remaining_lifetime(routee, control) -> None:
    control.advance(600)

    again = routee.token_response().json()

    assert (again["access_token"], again["expires_in"]) == (routee.token, 3000)


def test_a_token_expires_on_the_mock_clock_and_a_new_one_works(routee, control, conversation_body) -> None:
    control.advance(3600)

    expired = routee.post_conversation(conversation_body)
    assert expired.status_code == 401
    assert expired.json()["code"] == "401000000"
    assert "expired" in expired.json()["developerMessage"]

    fresh = routee.new_token()
    assert fresh != routee.token
    assert routee.post_conversation(conversation_body, token=fresh).status_code == 200


def test_an_application_can_have_a_longer_token_lifetime(new_client) -> None:
    assert new_client(expires_in=86400).token_response().json()["expires_in"] == 86400


def test_a_token_scoped_without_voice_is_forbidden_on_voice(routee, conversation_body) -> None:
    token = routee.token_response(scope="sms report").json()
    assert (token["scope"], token["permissions"]) == ("sms report", ["MT_ROLE_SMS", "MT_ROLE_REPORT"])

    response = routee.post_conversation(conversation_body, token=token["access_token"])

    assert response.status_code == 403
    assert response.json()["code"] == "403000000"


def test_an_application_without_voice_gets_tokens_without_voice(new_client, conversation_body) -> None:
    client = new_client(scopes=["sms"])

    assert client.post_conversation(conversation_body).status_code == 403
    assert client.token_response(scope="voice").json()["error"] == "invalid_scope"


def test_bad_application_credentials_are_a_401(routee) -> None:
    response = routee.http.post(
        "/oauth/token",
        auth=(routee.app["applicationId"], "wrong"),
        data={"grant_type": "client_credentials"},
    )

    assert response.status_code == 401
    assert (response.json()["code"], response.json()["error"]) == ("401000000", "unauthorized")


def test_a_grant_other_than_client_credentials_is_a_400(routee) -> None:
    wrong = routee.token_response(grant_type="password")
    missing = routee.http.post(
        "/oauth/token", auth=(routee.app["applicationId"], routee.app["applicationSecret"])
    )

    assert (wrong.status_code, wrong.json()["error"]) == (400, "unsupported_grant_type")
    assert (missing.status_code, missing.json()["properties"]) == (400, {"grant_type": "Missing grant type"})


def test_voice_without_a_token_or_with_an_unknown_one_is_a_401(routee, conversation_body) -> None:
    none = routee.http.post("/voice/conversation", json=conversation_body)
    unknown = routee.post_conversation(conversation_body, token="00000000-0000-4000-8000-000000000000")

    assert [none.status_code, unknown.status_code] == [401, 401]
    assert none.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_forgotten_on_reset_but_applications_are_kept(routee, control, conversation_body) -> None:
    control.reset()

    assert routee.post_conversation(conversation_body).status_code == 401
    assert routee.new_token()
