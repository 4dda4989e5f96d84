"""What keeps a shared or exposed server safe: the control API's door (token, same-origin), request
size limits, secret masking, outbound target policy and connection limits (see docs/control-api.md)."""
