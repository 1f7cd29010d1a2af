"""ICE servers handed to a participant's browser: STUN, and TURN for people behind
restrictive firewalls (companies, some mobile networks).

TURN credentials are the time-limited kind that coturn checks with ``use-auth-secret``
(the "TURN REST API"): the username is ``<expiry>:<seat>``, the password the base64 of
its HMAC-SHA1 under the secret Colombe shares with the TURN server. Each seat gets its
own, valid until a little after the meeting ends, so a leaked credential expires."""

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from colombe.meetings.models import Participant

CREDENTIALS_OUTLIVE_MEETING = timedelta(hours=1)


def turn_credentials(participant: "Participant", secret: str) -> tuple[str, str]:
    expires_at = participant.meeting.ends_at + CREDENTIALS_OUTLIVE_MEETING
    username = f"{int(expires_at.timestamp())}:{participant.pk}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers_for(participant: "Participant") -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = []
    if settings.MEETING_STUN_URLS:
        servers.append({"urls": list(settings.MEETING_STUN_URLS)})
    if settings.MEETING_TURN_URLS and settings.MEETING_TURN_SECRET:
        username, credential = turn_credentials(participant, settings.MEETING_TURN_SECRET)
        servers.append(
            {
                "urls": list(settings.MEETING_TURN_URLS),
                "username": username,
                "credential": credential,
            }
        )
    return servers
