"""Forms that give Colombe the keys of an account: the server's address and an access
token (Mastodon) or a login and an app password (Bluesky). The address must be one
Colombe may talk to (see ``networks.servers``)."""

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from colombe.outreach.models import Network, SocialAccount
from colombe.outreach.networks.bluesky import DEFAULT_SERVER as BLUESKY_SERVER
from colombe.outreach.networks.servers import ServerRefused, server_origin


def server_of(account: SocialAccount) -> str:
    """The server an account lives on, guessed from the account's address."""
    parts = urlsplit(account.url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ConnectForm(forms.Form):
    server = forms.CharField(label=_("Server address"), max_length=300)
    # Last in each form (``field_order``): it matters only after Colombe has refused
    # credentials that belong to another account than the registry's.
    other_account = forms.BooleanField(
        label=_("Yes, connect this other account"),
        required=False,
        help_text=_(
            "Tick only if Colombe said the credentials belong to another account than the "
            "registry's, and that other account is the right one."
        ),
    )

    def __init__(self, *args: Any, account: SocialAccount, **kwargs: Any) -> None:
        """``account`` gives each network's form its initial values."""
        super().__init__(*args, **kwargs)

    def clean_server(self) -> str:
        try:
            return server_origin(self.cleaned_data["server"])
        except ServerRefused as error:
            raise forms.ValidationError(error.message) from error

    def credentials(self) -> dict[str, str]:
        """``api_base_url``, ``login`` and ``secret`` for the connection service."""
        raise NotImplementedError


class MastodonConnectForm(ConnectForm):
    field_order = ["server", "access_token", "other_account"]
    access_token = forms.CharField(
        label=_("Access token"),
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The long code shown as “Your access token” on the application's page."),
    )

    def __init__(self, *args: Any, account: SocialAccount, **kwargs: Any) -> None:
        super().__init__(*args, account=account, **kwargs)
        self.fields["server"].initial = account.api_base_url or server_of(account)
        self.fields["server"].help_text = _(
            "The address of the Mastodon server the account is on, e.g. https://mastodon.social"
        )

    def credentials(self) -> dict[str, str]:
        return {
            "api_base_url": self.cleaned_data["server"],
            "login": "",
            "secret": self.cleaned_data["access_token"],
        }


class BlueskyConnectForm(ConnectForm):
    field_order = ["server", "login", "app_password", "other_account"]
    login = forms.CharField(
        label=_("Handle of the account"),
        max_length=200,
        help_text=_("e.g. colombe-lyon.bsky.social (without the @)"),
    )
    app_password = forms.CharField(
        label=_("App password"),
        max_length=100,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Four groups of four letters, e.g. abcd-efgh-ijkl-mnop. Never the account's own "
            "password."
        ),
    )

    def __init__(self, *args: Any, account: SocialAccount, **kwargs: Any) -> None:
        super().__init__(*args, account=account, **kwargs)
        self.fields["server"].initial = account.api_base_url or BLUESKY_SERVER
        self.fields["server"].help_text = _(
            "Leave https://bsky.social unless the account is on a server of its own."
        )
        self.fields["login"].initial = account.api_login or account.handle.lstrip("@")

    def clean_login(self) -> str:
        return str(self.cleaned_data["login"]).strip().lstrip("@")

    def credentials(self) -> dict[str, str]:
        return {
            "api_base_url": self.cleaned_data["server"],
            "login": self.cleaned_data["login"],
            "secret": self.cleaned_data["app_password"],
        }


FORMS: dict[str, type[ConnectForm]] = {
    Network.MASTODON: MastodonConnectForm,
    Network.BLUESKY: BlueskyConnectForm,
}
