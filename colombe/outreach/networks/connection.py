"""Connecting an account of the registry to Colombe (checking the credentials with the
network, then keeping the secret encrypted) and disconnecting it. The audit log records
who did it, and which server and login, never the secret."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.outreach.credentials import encrypt_secret
from colombe.outreach.models import SocialAccount
from colombe.outreach.networks.base import Identity, NetworkError
from colombe.outreach.networks.registry import client_for_credentials


class OtherAccount(NetworkError):
    """The credentials work, but for another account than the one the registry names."""


def connect_account(
    actor: Any,
    account: SocialAccount,
    *,
    api_base_url: str,
    login: str,
    secret: str,
    other_account_ok: bool = False,
) -> Identity:
    """Check the credentials with the network (raises its NetworkError when refused or
    unreachable, OtherAccount when they belong to another account and ``other_account_ok``
    does not say that is intended), then save them. Returns who they belong to."""
    policy.require(actor, "outreach.connect_account", account)
    identity = client_for_credentials(account.network, api_base_url, login, secret).verify()
    if not other_account_ok and not same_account(identity, account.handle):
        raise OtherAccount(
            _(
                "These credentials belong to %(handle)s, not to %(registered)s as the registry "
                "says. Nothing was saved. Check that this is the right account; if it is, tick "
                "“Yes, connect this other account”."
            )
            % {"handle": identity.handle, "registered": account.handle}
        )
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
