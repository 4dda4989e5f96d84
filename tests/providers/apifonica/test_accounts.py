"""``GET /v2/accounts``, Apifonica's "Get subaccounts list": a paged list of every account the
credentials reach. Credential checkers (trufflehog's Apifonica detector) send exactly this request and
take a 2xx answer to mean the SID/token pair is valid."""

from __future__ import annotations

import base64

import httpx
import pytest


def test_the_accounts_list_has_the_documented_envelope(api) -> None:
    response = api.request("GET", "/v2/accounts")

    assert response.status_code == 200
    account = api.get("").json()
    assert response.json() == {
        "page": 0,  # pages count from 0
        "limit": 20,
        "next": None,
        "prev": None,
        "total": 1,  # a mock account has no subaccounts: the list is the master itself
        "accounts": [account],
    }
    assert account["type"] == "master"


def test_a_credential_checker_verifies_a_valid_pair_with_a_2xx(http: httpx.Client, api) -> None:
    # The request trufflehog's detector makes: GET /v2/accounts, Content-Type: application/json, no
    # body, Basic base64("sid:token"); any 2xx is "verified".
    pair = base64.b64encode(f"{api.account_sid}:{api.auth_token}".encode()).decode()
    headers = {"Content-Type": "application/json", "Authorization": f"Basic {pair}"}

    valid = http.get("/v2/accounts", headers=headers)
    wrong = http.get(
        "/v2/accounts",
        headers={
            **headers,
            "Authorization": "Basic "
            + base64.b64encode(
                f"{api.account_sid}:aut00000000-0000-4000-8000-000000000000".encode()
            ).decode(),
        },
    )

    assert 200 <= valid.status_code < 300
    assert wrong.status_code == 401
    assert wrong.json() == {
        "status_code": 401,
        "status_message": "UNAUTHORIZED",
        "error_code": 1001,
        "error_text": "invalid account SID or auth token",
    }


def test_the_accounts_list_is_served_under_the_provider_prefix_too(api) -> None:
    response = api.request("GET", "/apifonica/v2/accounts")

    assert response.status_code == 200
    assert [a["account_sid"] for a in response.json()["accounts"]] == [api.account_sid]


def test_each_account_sees_only_itself(api, other_account) -> None:
    mine = api.request("GET", "/v2/accounts").json()["accounts"]
    theirs = other_account.request("GET", "/v2/accounts").json()["accounts"]

    assert [a["account_sid"] for a in mine] == [api.account_sid]
    assert [a["account_sid"] for a in theirs] == [other_account.account_sid]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ({"type": "master", "status": "active"}, 1),
        ({"type": "slave"}, 0),  # the docs' own example filters active subaccounts
        ({"status": "blocked"}, 0),
    ],
)
def test_the_list_takes_the_documented_filters(api, query: dict[str, str], total: int) -> None:
    body = api.request("GET", "/v2/accounts", params=query).json()

    assert (body["total"], len(body["accounts"])) == (total, total)


def test_a_page_past_the_end_is_empty_with_a_link_back(api) -> None:
    body = api.request("GET", "/v2/accounts", params={"page": 1, "limit": 20}).json()

    assert (body["page"], body["accounts"], body["next"], body["total"]) == (1, [], None, 1)
    assert body["prev"] == f"{api.base_url}/v2/accounts?limit=20&page=0"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"type": "admin"}, "type"),
        ({"status": "closed"}, "status"),
        ({"page": "-1"}, "page"),
        ({"limit": "21"}, "limit"),
    ],
)
def test_bad_filters_are_a_400_in_apifonica_format(api, query: dict[str, str], field: str) -> None:
    response = api.request("GET", "/v2/accounts", params=query)

    assert response.status_code == 400
    body = response.json()
    assert (body["status_code"], body["status_message"], body["error_code"]) == (400, "BAD_REQUEST", 2002)
    assert field in body["error_text"]
