"""Drift check: record real provider traffic through a proxy, replay it against the mock, and report
every place where the mock's answers differ from production's (``mockserver record`` / ``drift``)."""
