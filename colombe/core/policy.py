"""The one permission policy.

Every "may this user see / do this?" question is answered by a rule registered here
(apps register theirs in their own ``policy.py``, imported by ``AppConfig.ready``).

Two kinds of rules:
- ``visibility`` rules say whether a user may know that an object exists. An object the
  user may not know about answers **404**, never 403, so that a secret group cannot be
  detected by probing URLs.
- ``permission`` rules (dotted codes such as ``groups.invite``) say whether a user may
  do something to an object they can see. Refusal is a 403.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

VisibilityRule = Callable[[Any, Any], bool]
PermissionRule = Callable[[Any, Any], bool]

_visibility: dict[type[models.Model], VisibilityRule] = {}
_scopes: dict[type[models.Model], Callable[[Any], models.QuerySet]] = {}
_permissions: dict[str, PermissionRule] = {}


def register_visibility(
    model: type[models.Model], *, scope: Callable[[Any], models.QuerySet]
) -> Callable[[VisibilityRule], VisibilityRule]:
    """Register who may know that objects of ``model`` exist, both as a per-object test
    and as a scoping queryset (``scope(user)``) for lists, search and counts."""

    def decorator(rule: VisibilityRule) -> VisibilityRule:
        _visibility[model] = rule
        _scopes[model] = scope
        return rule

    return decorator


def register(code: str) -> Callable[[PermissionRule], PermissionRule]:
    def decorator(rule: PermissionRule) -> PermissionRule:
        if code in _permissions:
            raise ValueError(f"Permission {code} is registered twice.")
        _permissions[code] = rule
        return rule

    return decorator


def is_national_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_national_admin
    )


def can_see(user: Any, obj: models.Model) -> bool:
    rule = _visibility.get(type(obj))
    if rule is None:
        raise LookupError(f"No visibility rule for {type(obj).__name__}.")
    return rule(user, obj)


def has_perm(user: Any, code: str, obj: Any = None) -> bool:
    rule = _permissions.get(code)
    if rule is None:
        raise LookupError(f"Unknown permission {code}.")
    return rule(user, obj)


def visible(model: type[M], user: Any) -> models.QuerySet[M]:
    """The scoping queryset: objects of ``model`` the user may know about."""
    return _scopes[model](user)


def require(user: Any, code: str, obj: models.Model | None = None) -> None:
    """Raise 404 when the user may not know the object exists, 403 when they may see it
    but not do ``code``."""
    if obj is not None and type(obj) in _visibility and not can_see(user, obj):
        raise Http404
    if not has_perm(user, code, obj):
        raise PermissionDenied


def get_visible_or_404(model: type[M], user: Any, **lookup: Any) -> M:
    found = visible(model, user).filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def registered_permissions() -> list[str]:
    return sorted(_permissions)
