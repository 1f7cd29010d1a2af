"""Petition pages live in public_views.py (visitors) and organiser_views.py (organisers)."""
