"""Facilities (cơ sở công nghiệp nông thôn): the producers who enter products."""
