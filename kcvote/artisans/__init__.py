"""Artisan titles under Nghị định 43/2024: dossiers, eligibility, councils, secret ballots, public comment."""
