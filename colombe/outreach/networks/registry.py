"""The client for an account: the network's adapter with the account's credentials."""

from django.utils.translation import gettext as _

from colombe.outreach.credentials import decrypt_secret
from colombe.outreach.models import Network, SocialAccount
from colombe.outreach.networks.base import NetworkClient, PermanentError
from colombe.outreach.networks.bluesky import BlueskyClient
from colombe.outreach.networks.mastodon import MastodonClient


def client_for_credentials(
    network: str, api_base_url: str, login: str, secret: str
) -> NetworkClient:
    """A client for credentials not saved yet (the connection form checks them)."""
    if network == Network.MASTODON:
        return MastodonClient(api_base_url, secret)
    if network == Network.BLUESKY:
        return BlueskyClient(api_base_url, login, secret)
    raise PermanentError(_("Colombe cannot post to this network by itself."))


def client_for(account: SocialAccount) -> NetworkClient:
    if not account.is_connected:
        raise PermanentError(
            _("The account %(account)s is not connected to Colombe: connect it, then try again.")
            % {"account": account}
        )
    try:
        secret = decrypt_secret(account.api_secret_encrypted)
    except ValueError as error:
        raise PermanentError(
            _("The account's saved secret can no longer be read: connect the account again.")
        ) from error
    return client_for_credentials(account.network, account.api_base_url, account.api_login, secret)
