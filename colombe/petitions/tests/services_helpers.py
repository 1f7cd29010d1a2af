"""Shared helpers for the petitions services tests."""

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.utils import timezone

from colombe.petitions import services
from colombe.petitions.models import Petition
from tests import factories

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def make_petition(**fields: Any) -> Petition:
    values: dict[str, Any] = {
        "title": "Pour la paix",
        "slug": f"pour-la-paix-{Petition.objects.count() + 1}",
        "body": "Signez **maintenant**.",
        "body_html": "<p>Signez <strong>maintenant</strong>.</p>",
        "addressee": "Le gouvernement",
        "consent_text": "Tenez-moi informé·e de cette campagne.",
        "status": Petition.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
    }
    values.update(fields)
    if "owner" not in values:
        values["owner"] = factories.StructureFactory.create()
    return Petition.objects.create(**values)


def sign(petition: Petition, email: str = "claire@example.org", **fields: Any) -> Any:
    values: dict[str, Any] = {"first_name": "Claire", "last_name": "Dupont", "email": email}
    values.update(fields)
    return services.sign(petition=petition, **values)


def links_in_last_email() -> dict[str, str]:
    body = str(mail.outbox[-1].body)
    confirm = re.search(r"https?://\S+/petitions/confirmer/(\S+)/", body)
    withdraw = re.search(r"https?://\S+/petitions/retirer/(\S+)/", body)
    assert confirm and withdraw, body
    return {"confirm": confirm.group(1), "withdraw": withdraw.group(1)}
