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
