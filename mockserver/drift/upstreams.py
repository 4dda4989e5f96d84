"""Where each provider lives in production, and where its behaviour is documented.

The recorder forwards to these by default; ``drift --explain`` links each difference to the page.
Routee answers on two hosts: tokens on auth.routee.net, everything else on connect.routee.net.
"""

from __future__ import annotations

from mockserver.core.values import frozen


@frozen
class Upstream:
    base_url: str
    docs: str
    by_prefix: tuple[tuple[str, str], ...] = ()  # path prefix → base URL, before base_url

    def url_for(self, path: str) -> str:
        base = next((url for prefix, url in self.by_prefix if path.startswith(prefix)), self.base_url)
        return base.rstrip("/") + path


UPSTREAMS: dict[str, Upstream] = {
    "apifonica": Upstream("https://api.apifonica.com", "https://apifonica.com/en/docs/api/rest/"),
    "dillo": Upstream("https://api.dillo.cloud", "https://docs.dillo.cloud/voice-out/get-status"),
    "routee": Upstream(
        "https://connect.routee.net",
        "https://docs.routee.net/reference/perform-a-voice-conversation",
        by_prefix=(("/oauth/", "https://auth.routee.net"),),
    ),
    "esendex": Upstream(
        "https://ws.esendex.us", "https://esendex.us/docs/voice-broadcast/api/api-reference/"
    ),
    "callr": Upstream("https://api.callr.com", "https://docs.callr.com/api/json-rpc"),
}


def upstream_for(provider: str, override: str | None) -> Upstream:
    known = UPSTREAMS[provider]
    return Upstream(override, known.docs) if override else known
