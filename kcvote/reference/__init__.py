"""Reference data edited by administrators: regions, provinces, levels, product groups."""
