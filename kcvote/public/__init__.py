"""Public pages: home, language switch, later the gallery and certificate verification."""
