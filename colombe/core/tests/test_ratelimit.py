from django.test import RequestFactory

from colombe.core.ratelimit import hit


def test_rate_limit_allows_up_to_the_limit_then_refuses() -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")
    assert [hit(request, "contact", limit=3, period_seconds=60) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    other = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2")
    assert hit(other, "contact", limit=3, period_seconds=60)
