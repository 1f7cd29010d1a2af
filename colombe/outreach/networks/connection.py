"""Connecting an account of the registry to Colombe (checking the credentials with the
network, then keeping the secret encrypted) and disconnecting it. The audit log records
who did it, and which server and login, never the secret."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.outreach.credentials import encrypt_secret
from colombe.outreach.models import SocialAccount
from colombe.outreach.networks.base import Identity
from colombe.outreach.networks.registry import client_for_credentials


def connect_account(
    actor: Any, account: SocialAccount, *, api_base_url: str, login: str, secret: str
) -> Identity:
    """Check the credentials with the network (raises its NetworkError when refused or
    unreachable), then save them. Returns who they belong to."""
    policy.require(actor, "outreach.connect_account", account)
    identity = client_for_credentials(account.network, api_base_url, login, secret).verify()
    with transaction.atomic():
        account.api_base_url = api_base_url
        account.api_login = login
        account.api_secret_encrypted = encrypt_secret(secret)
        account.connected_at = timezone.now()
        account.connected_by = actor
        account.save(
            update_fields=[
                "api_base_url",
                "api_login",
                "api_secret_encrypted",
                "connected_at",
                "connected_by",
                "updated_at",
            ]
        )
        log_action(
            actor,
            "outreach.account.connected",
            account,
            {"server": api_base_url, "login": login, "identity": identity.handle},
        )
    return identity


def disconnect_account(actor: Any, account: SocialAccount) -> None:
    """Forget the secret: posts for the account are then published by hand."""
    policy.require(actor, "outreach.connect_account", account)
    with transaction.atomic():
        account.api_secret_encrypted = ""
        account.connected_at = None
        account.connected_by = None
        account.save(
            update_fields=["api_secret_encrypted", "connected_at", "connected_by", "updated_at"]
        )
        log_action(
            actor, "outreach.account.disconnected", account, {"server": account.api_base_url}
        )


def same_account(identity: Identity, handle: str) -> bool:
    """Whether the credentials belong to the account the registry names (compared by
    user name: the registry may leave the server out of a Mastodon handle)."""

    def user_name(value: str) -> str:
        return value.strip().lstrip("@").split("@")[0].lower()

    return user_name(identity.handle) == user_name(handle)
