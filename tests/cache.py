"""Clearing the cache between tests without disturbing anyone else sharing the Redis database."""

from django.core.cache import cache


def clear_test_cache():
    """Delete this run's keys only. On Redis `cache.clear()` would FLUSHDB the whole database,
    including other test runs' keys (CI and developers may share one Redis)."""
    if "redis" not in type(cache).__module__:
        cache.clear()
        return
    client = cache._cache.get_client(None, write=True)
    prefix = cache.make_key("")
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
