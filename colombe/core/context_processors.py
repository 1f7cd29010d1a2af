from typing import Any

from django.http import HttpRequest

from colombe.core import policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"is_national_admin": policy.is_national_admin(getattr(request, "user", None))}
