"""The mechanics every resource family shares, written once: the request pipeline (protocol,
validation, dispatch, output shaping, errors), state and its locks, ARNs, identity, time,
listing, tags, idempotency and status lifecycles."""
