from django.db import transaction

from colombe.accounts.models import Consent, User
from colombe.core.audit import log_action
from colombe.core.views import TERMS_VERSION


def record_signup(*, user: User, display_name: str) -> None:
    with transaction.atomic():
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        Consent.objects.create(user=user, kind=Consent.Kind.TERMS, text_version=TERMS_VERSION)
        log_action(user, "accounts.user.signed_up", user, {"terms_version": TERMS_VERSION})
