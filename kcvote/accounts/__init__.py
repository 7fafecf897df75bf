"""Accounts: users, roles (optionally scoped to a round or a council), sign-in."""
