"""Plumbing shared by every domain; no domain rules live here."""
