"""Entries: products, their dossiers (photos, documents), screening and progression."""
