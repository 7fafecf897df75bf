"""Imports every model module so that the metadata (and Alembic) sees all tables."""

from kcvote.accounts.models import RoleAssignment, User
from kcvote.core.audit import AuditEntry
from kcvote.reference.models import Level, ProductGroup, Province, Region

__all__ = ["AuditEntry", "Level", "ProductGroup", "Province", "Region", "RoleAssignment", "User"]
