from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str, reply_to: list[str] | None = None) -> int:
    """Send one plain-text email. Enqueue it inside the service's transaction so the
    message exists exactly when the data that caused it does."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or [],
    )
    return message.send()


@task()
def send_weekly_digests() -> int:
    """The weekly digest of followed hashtags (idempotent: run it as often as you like,
    each person gets one email per week)."""
    # Imported here: the digest reaches core.mail, which imports this module.
    from colombe.core.digest import send_weekly_digests as send

    return send()
