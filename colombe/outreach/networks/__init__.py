"""Posting to social networks that have an open API (Mastodon, Bluesky).

``base`` defines the protocol a network client implements (``verify``, ``publish``,
``metrics``) and its errors; ``mastodon`` and ``bluesky`` implement it; ``registry``
builds the client for a connected account (``client_for``)."""
