"""Sign-up end to end: allauth form with our extra fields, email verification, login."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import Consent, User
from colombe.core.models import AuditEntry
from colombe.core.views import TERMS_VERSION

pytestmark = pytest.mark.django_db

PASSWORD = "une-colombe-sur-le-toit-42"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "dana.new@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Dana N.",
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


def confirmation_path(body: str) -> str:
    match = re.search(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_signup_page_is_in_french_with_labels_and_privacy_link(client: Client) -> None:
    response = client.get(reverse("account_signup"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert '<label for="id_display_name">Nom affiché' in page
    assert '<label for="id_accept_terms">' in page
    assert reverse("core:privacy") in page


def test_signup_verify_email_then_log_in(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302

    user = User.objects.get(email="dana.new@example.org")
    assert user.display_name == "Dana N."
    consent = Consent.objects.get(user=user)
    assert (consent.kind, consent.text_version) == (Consent.Kind.TERMS, TERMS_VERSION)
    assert AuditEntry.objects.filter(actor=user, action="accounts.user.signed_up").exists()

    # Verification is mandatory: no login before the address is confirmed.
    other = Client()
    refused = other.post(
        reverse("account_login"), {"login": "dana.new@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in other.session
    assert refused.status_code == 302
    assert refused["Location"] == reverse("account_email_verification_sent")

    assert len(mail.outbox) == 2  # one at sign-up, one at the refused login
    message = mail.outbox[0]
    assert message.to == ["dana.new@example.org"]
    path = confirmation_path(str(message.body))
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer" in page.content.decode()
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    fresh = Client()
    logged_in = fresh.post(
        reverse("account_login"), {"login": "dana.new@example.org", "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    assert fresh.session["_auth_user_id"] == str(user.pk)
    assert "Dana N." in fresh.get(reverse("accounts:me")).content.decode()


def test_signup_without_accepting_terms_is_refused(client: Client) -> None:
    data = signup_data()
    del data["accept_terms"]
    response = client.post(reverse("account_signup"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert 'value="dana.new@example.org"' in page  # nothing typed is lost
    assert not User.objects.filter(email="dana.new@example.org").exists()
    assert mail.outbox == []


def test_signup_without_display_name_is_refused(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data(display_name=""))
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert not User.objects.filter(email="dana.new@example.org").exists()
