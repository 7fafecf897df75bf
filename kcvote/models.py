"""Imports every model module so that the metadata (and Alembic) sees all tables."""

# Modules that register hooks with lower domains at import time.
import kcvote.entries.guards  # noqa: F401
from kcvote.accounts.models import RoleAssignment, User
from kcvote.contests.models import Round, Rubric, RubricCriterion, RubricGroup, round_groups
from kcvote.core.audit import AuditEntry
from kcvote.entries.models import Document, Entry, EntryEvent, Photo, Product
from kcvote.facilities.models import Facility, FacilityMember
from kcvote.reference.models import Level, ProductGroup, Province, Region

__all__ = [
    "AuditEntry",
    "Document",
    "Entry",
    "EntryEvent",
    "Facility",
    "FacilityMember",
    "Level",
    "Photo",
    "Product",
    "ProductGroup",
    "Province",
    "Region",
    "RoleAssignment",
    "Round",
    "Rubric",
    "RubricCriterion",
    "RubricGroup",
    "User",
    "round_groups",
]
