"""Artisan-title enums (leaf module: imports nothing from kcvote)."""

from __future__ import annotations

from enum import StrEnum


class Title(StrEnum):
    """The two titles of Nghị định 43/2024."""

    NNND = "nnnd"  # Nghệ nhân nhân dân (People's Artisan)
    NNUT = "nnut"  # Nghệ nhân ưu tú (Meritorious Artisan)


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


class NominationStatus(StrEnum):
    """Draft → submitted → (completion requested → submitted) → accepted or returned at the Sở; then
    the councils: provincial → ministry → State, each passed or failed; finally recognised."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    COMPLETION_REQUESTED = "completion_requested"
    RETURNED = "returned"
    ACCEPTED = "accepted"  # by the Sở: goes to the provincial council
    FAILED = "failed"  # a council's ballot did not reach the threshold
    RECOGNISED = "recognised"  # on the final list with the decision number


class CouncilLevel(StrEnum):
    """The three councils, lowest first."""

    PROVINCIAL = "provincial"
    MINISTRY = "ministry"
    STATE = "state"


COUNCIL_ORDER = [CouncilLevel.PROVINCIAL, CouncilLevel.MINISTRY, CouncilLevel.STATE]


class MemberRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    SECRETARY = "secretary"


class PrizeLevel(StrEnum):
    NATIONAL = "national"
    REGIONAL = "regional"
    INTERNATIONAL = "international"
    PROVINCIAL = "provincial"


class PrizeRank(StrEnum):
    """Best first; ``value`` orders them (1 = giải nhất)."""

    FIRST = "1"
    SECOND = "2"
    THIRD = "3"
    CONSOLATION = "4"  # khuyến khích


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VIDEO = "video"


class Check(StrEnum):
    """An eligibility criterion's outcome."""

    MET = "met"
    NOT_MET = "not_met"
    COUNCIL = "council"  # for the council to judge (ethics, representativeness ...)


class BallotStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Choice(StrEnum):
    YES = "yes"
    NO = "no"


class CommentStatus(StrEnum):
    NEW = "new"
    HANDLED = "handled"
