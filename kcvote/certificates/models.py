"""Certificates, their per-round design, the number counters and the bulk-issue jobs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kcvote.accounts.models import User
from kcvote.certificates.enums import CertificateKind, CertificateState, CertificateStatus, JobStatus
from kcvote.contests.models import Round
from kcvote.core.db import Model, TimestampMixin, utcnow
from kcvote.entries.models import Entry


def _enum(cls: type, length: int = 16) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class CertificateDesign(TimestampMixin, Model):
    """How a round's certificates look and who issues them: set by the organizer before issuing.

    The text blocks are small Jinja templates rendered in a sandbox that sees the certificate's data
    only (kcvote.certificates.sandbox)."""

    __tablename__ = "certificate_designs"
    __table_args__ = (
        UniqueConstraint("round_id", name="uq_certificate_designs_round"),
        UniqueConstraint("award_round_id", name="uq_certificate_designs_award_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A product round's design, or (artisan titles) an award round's.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    award_round_id: Mapped[int | None] = mapped_column(ForeignKey("award_rounds.id", ondelete="CASCADE"))
    # The numbering series: one counter per issuer code and year ("SCT-TN" → 1, 2, 3 ... in 2025).
    issuer_code: Mapped[str] = mapped_column(String(40), default="")
    # Printed after the number: 123/GCN-SCT.
    number_suffix: Mapped[str] = mapped_column(String(40), default="GCN-SCT")
    parent_body: Mapped[str] = mapped_column(String(200), default="")
    issuer_name: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    decision_number: Mapped[str] = mapped_column(String(80), default="")
    decision_date: Mapped[date | None]
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="GIẤY CHỨNG NHẬN")
    body_text: Mapped[str] = mapped_column(Text, default="")
    footer_text: Mapped[str] = mapped_column(Text, default="")
    # A scanned border (JPEG or PNG re-encoded by core.images), stored under this media key.
    background_key: Mapped[str | None] = mapped_column(String(120))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CertificateCounter(Model):
    """The last number given in a series (issuer code, year); incremented in the issuing transaction."""

    __tablename__ = "certificate_counters"
    __table_args__ = (UniqueConstraint("issuer_code", "year", name="uq_certificate_counters_series"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)


class Certificate(Model):
    """A giấy chứng nhận. Its printed facts are copied at issue time: later edits of the product,
    facility or design never change a certificate already issued."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("issuer_code", "year", "sequence", name="uq_certificates_series_sequence"),
        UniqueConstraint("verification_code", name="uq_certificates_verification_code"),
        # One certificate per entry and generation: issuing twice (or two jobs at once) cannot
        # make a second one; a reissue is the next generation.
        UniqueConstraint("entry_id", "generation", name="uq_certificates_entry_generation"),
        UniqueConstraint("nomination_id", "generation", name="uq_certificates_nomination_generation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CertificateKind] = mapped_column(_enum(CertificateKind), default=CertificateKind.PRODUCT)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), index=True)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), index=True)
    # Artisan titles: the nomination (the artisans domain sits above certificates and links here by id).
    award_round_id: Mapped[int | None] = mapped_column(ForeignKey("award_rounds.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    holder_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generation: Mapped[int] = mapped_column(default=1)
    issuer_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(80), index=True)
    verification_code: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date]
    valid_until: Mapped[date] = mapped_column(index=True)
    status: Mapped[CertificateStatus] = mapped_column(
        _enum(CertificateStatus), default=CertificateStatus.VALID, index=True
    )
    # The facts printed on the certificate (copied when it is issued).
    subject: Mapped[str] = mapped_column(String(300))
    holder: Mapped[str] = mapped_column(String(300))
    holder_address: Mapped[str] = mapped_column(String(500), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    group: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[str] = mapped_column(String(100), default="")
    round_name: Mapped[str] = mapped_column(String(300), default="")
    entry_code: Mapped[str] = mapped_column(String(48), default="")
    prize: Mapped[str] = mapped_column(String(60), default="")
    decision_number: Mapped[str] = mapped_column(String(80), default="")
    decision_date: Mapped[date | None]
    issuer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    # The issued PDF, kept as issued.
    pdf_key: Mapped[str | None] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round | None] = relationship()
    entry: Mapped[Entry | None] = relationship(lazy="raise")
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def number_with_year(self) -> str:
        """ "12/GCN-SCT (2026)": numbers restart each year, so the year tells two same numbers apart."""
        return f"{self.number} ({self.year})"

    def state(self, today: date) -> CertificateState:
        """Revoked and replaced win; a valid certificate past its last day is expired."""
        if self.status == CertificateStatus.REVOKED:
            return CertificateState.REVOKED
        if self.status == CertificateStatus.REPLACED:
            return CertificateState.REPLACED
        return CertificateState.EXPIRED if today > self.valid_until else CertificateState.VALID

    @property
    def short_code(self) -> str:
        """The first eight characters of the verification code, typed from paper with the number."""
        return self.verification_code[:8]

    def expires_within(self, today: date, days: int) -> bool:
        return self.state(today) == CertificateState.VALID and self.valid_until <= today + timedelta(days=days)


class IssueJob(Model):
    """A bulk issue of a round's certificates. Progress lives here, not in a process: any instance can
    show it, and an interrupted job is resumed by running it again (issuing is idempotent)."""

    __tablename__ = "certificate_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.PENDING)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written with each certificate: a running job whose heartbeat is old was interrupted.
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
