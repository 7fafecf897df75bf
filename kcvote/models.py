"""Imports every model module so that the metadata (and Alembic) sees all tables."""

from kcvote.accounts.models import RoleAssignment, User
from kcvote.contests.models import Round, Rubric, RubricCriterion, RubricGroup, round_groups
from kcvote.core.audit import AuditEntry
from kcvote.entries.models import Document, Entry, EntryEvent, Photo, Product
from kcvote.facilities.models import Facility, FacilityMember
from kcvote.judging.models import (
    Assignment,
    Conflict,
    JurorAppointment,
    ResultSnapshot,
    Score,
    ScoreSheet,
    SiteVisit,
    juror_groups,
)
from kcvote.reference.models import Level, ProductGroup, Province, Region

__all__ = [
    "Assignment",
    "AuditEntry",
    "Conflict",
    "Document",
    "Entry",
    "EntryEvent",
    "Facility",
    "FacilityMember",
    "JurorAppointment",
    "Level",
    "Photo",
    "Product",
    "ProductGroup",
    "Province",
    "Region",
    "ResultSnapshot",
    "RoleAssignment",
    "Round",
    "Rubric",
    "RubricCriterion",
    "RubricGroup",
    "Score",
    "ScoreSheet",
    "SiteVisit",
    "User",
    "juror_groups",
    "round_groups",
]
