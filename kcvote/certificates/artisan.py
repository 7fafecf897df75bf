"""Certificates of artisan titles (Nghệ nhân nhân dân, Nghệ nhân ưu tú).

The certificates domain sits below artisans and never imports it: the artisans domain passes plain
values (ids, names, the title's label, the final decision) and this module numbers, freezes and
renders them with the same series, verification codes and PDF layout as product certificates.

Titles do not expire. ``valid_until`` is a required date (it drives "expired" everywhere), so an
artisan certificate carries ``NO_EXPIRY`` (31/12/9999): it is never shown as expired, never listed
among certificates expiring soon, and the pages print "không thời hạn" instead of the date (they
test ``kind``). A sentinel date keeps every existing query and the schema unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kcvote.accounts.models import User
from kcvote.certificates.enums import CertificateKind, CertificateStatus
from kcvote.certificates.models import Certificate, CertificateDesign
from kcvote.certificates.rules import can_manage_artisan_certificates
from kcvote.certificates.sandbox import check_block
from kcvote.certificates.services import (
    DESIGN_FIELDS,
    check_reissue,
    design_problems,
    mark_replaced,
    mark_revoked,
    new_verification_code,
    next_number,
    store_pdfs,
)
from kcvote.core import audit
from kcvote.core.clock import today_vn
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.extensions import db

NO_EXPIRY = date(9999, 12, 31)

ARTISAN_BODY = "DANH HIỆU {{ san_pham|upper }}"
ARTISAN_FOOTER = (
    "Được phong tặng theo Quyết định số {{ quyet_dinh }} ngày {{ ngay_quyet_dinh }}.\nDanh hiệu không có thời hạn."
)


@dataclass(frozen=True)
class ArtisanFacts:
    """What an artisan certificate prints, as plain values from the artisans domain."""

    award_round_id: int
    nomination_id: int
    holder_user_id: int | None
    holder: str  # the artisan's name
    craft: str
    province: str
    title_label: str  # "Nghệ nhân nhân dân" / "Nghệ nhân ưu tú"
    round_name: str
    decision_number: str
    decision_date: date | None


def default_artisan_design(award_round_id: int) -> CertificateDesign:
    """The titles are conferred by the President (DOMAIN.md §B: "certificate from the President"), so
    the certificate's defaults name the President as issuer and signer; the organizer can change them
    (e.g. to the Ministry, for a certificate accompanying the President's decision)."""
    return CertificateDesign(
        award_round_id=award_round_id,
        issuer_code="CTN-NN",
        number_suffix="GCN-NN",
        parent_body="",
        issuer_name="CHỦ TỊCH NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        place="Hà Nội",
        signer_title="CHỦ TỊCH NƯỚC",
        signer_name="",
        title="GIẤY CHỨNG NHẬN",
        body_text=ARTISAN_BODY,
        footer_text=ARTISAN_FOOTER,
    )


def artisan_design_of(award_round_id: int) -> CertificateDesign:
    """The award round's saved design, or (not yet saved) its defaults."""
    design = db.session.scalar(select(CertificateDesign).where(CertificateDesign.award_round_id == award_round_id))
    return design if design is not None else default_artisan_design(award_round_id)


def save_artisan_design(*, actor: User, award_round_id: int, fields: Mapping[str, Any]) -> CertificateDesign:
    """Save the award round's certificate design (text blocks checked in the sandbox first).

    :raise TemplateRefused: a text block the sandbox refuses (nothing is saved).
    """
    if not can_manage_artisan_certificates(actor):
        raise NotAllowed(_l("Bạn không quản lý giấy chứng nhận nghệ nhân."))
    for name in ("title", "body_text", "footer_text"):
        if name in fields:
            check_block(str(fields.get(name) or ""))
    design = artisan_design_of(award_round_id)
    if design.id is None:
        db.session.add(design)
    for name in DESIGN_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(design, name, value.strip() if isinstance(value, str) else value)
    design.updated_by_id = actor.id
    db.session.flush()
    audit.record("certificates.artisan_design_saved", actor_id=actor.id, obj=design, award_round_id=award_round_id)
    return design


def artisan_design_problems(design: CertificateDesign) -> list[str]:
    """What the design lacks before issuing. The decision comes from the award round's final list,
    so it is not asked of the design."""
    probe = CertificateDesign(**{name: getattr(design, name) for name in DESIGN_FIELDS})
    probe.decision_number = probe.decision_number or "-"
    probe.decision_date = probe.decision_date or date.min
    return [str(p) for p in design_problems(probe)]


def certified_nomination_ids(award_round_id: int) -> set[int]:
    """Nominations of the award round that already have a certificate (of any status)."""
    rows = db.session.scalars(
        select(Certificate.nomination_id).where(Certificate.award_round_id == award_round_id).distinct()
    )
    return {nomination_id for nomination_id in rows if nomination_id is not None}


def _fill(certificate: Certificate, facts: ArtisanFacts, design: CertificateDesign) -> None:
    """Copy the printed facts (never changed afterwards). No address: the province is enough in public."""
    certificate.award_round_id = facts.award_round_id
    certificate.nomination_id = facts.nomination_id
    certificate.holder_user_id = facts.holder_user_id
    certificate.subject = facts.title_label
    certificate.holder = facts.holder
    certificate.holder_address = ""
    certificate.province = facts.province
    certificate.group = facts.craft
    certificate.level = ""
    certificate.round_name = facts.round_name
    certificate.decision_number = facts.decision_number
    certificate.decision_date = facts.decision_date
    certificate.issuer_name = design.issuer_name
    certificate.signer_title = design.signer_title
    certificate.signer_name = design.signer_name


def _register(
    actor: User | None, facts: ArtisanFacts, design: CertificateDesign, issued_on: date, *, generation: int
) -> Certificate:
    """Number and insert the certificate in a savepoint (IntegrityError: the nomination already has this
    generation, e.g. from a concurrent request)."""
    with db.session.begin_nested():
        sequence = next_number(design.issuer_code, issued_on.year)
        certificate = Certificate(
            kind=CertificateKind.ARTISAN,
            generation=generation,
            issuer_code=design.issuer_code,
            year=issued_on.year,
            sequence=sequence,
            number=f"{sequence}/{design.number_suffix}",
            verification_code=new_verification_code(),
            issued_on=issued_on,
            valid_until=NO_EXPIRY,
            status=CertificateStatus.VALID,
            issued_by_id=actor.id if actor else None,
        )
        _fill(certificate, facts, design)
        db.session.add(certificate)
        db.session.flush()
    return certificate


def _prepare_design(design: CertificateDesign, facts: ArtisanFacts) -> None:
    """Put the final decision on the design and check that nothing printed is missing.

    :raise DomainError: no final decision yet, or the design lacks the issuer or signer.
    """
    if not facts.decision_number or facts.decision_date is None:
        raise DomainError(_l("Chỉ cấp giấy chứng nhận sau khi đã ghi nhận quyết định công nhận."))
    design.decision_number = facts.decision_number
    design.decision_date = facts.decision_date
    problems = artisan_design_problems(design)
    if problems:
        raise DomainError(_l("Mẫu giấy chứng nhận chưa đủ thông tin: %(problems)s", problems="; ".join(problems)))


def issue_artisan_certificate(
    *,
    actor: User | None,
    facts: ArtisanFacts,
    design: CertificateDesign,
    issued_on: date | None = None,
    render_pdf: bool = True,
) -> Certificate | None:
    """Issue the nomination's certificate in a savepoint, or None if it already has one (never twice:
    the unique (nomination, generation) refuses a second even from a concurrent request).

    :raise DomainError: the design lacks the issuer, signer or decision.
    """
    _prepare_design(design, facts)
    if facts.nomination_id in certified_nomination_ids(facts.award_round_id):
        return None
    try:
        certificate = _register(actor, facts, design, issued_on or today_vn(), generation=1)
    except IntegrityError:
        return None
    if render_pdf:
        store_pdfs([certificate], design)
    audit.record(
        "certificate.issued",
        actor_id=actor.id if actor else None,
        obj=certificate,
        number=certificate.number,
        year=certificate.year,
        nomination_id=facts.nomination_id,
    )
    return certificate


def issue_artisan_certificates(
    *, actor: User | None, award_round_id: int, facts: list[ArtisanFacts], issued_on: date | None = None
) -> list[Certificate]:
    """Issue the missing certificates of ``facts`` (one per nomination), PDFs rendered in batches."""
    if actor is not None and not can_manage_artisan_certificates(actor):
        raise NotAllowed(_l("Bạn không quản lý giấy chứng nhận nghệ nhân."))
    design = artisan_design_of(award_round_id)
    if design.id is None:
        db.session.add(design)
    issued = []
    for one in facts:
        certificate = issue_artisan_certificate(
            actor=actor, facts=one, design=design, issued_on=issued_on, render_pdf=False
        )
        if certificate is not None:
            issued.append(certificate)
    store_pdfs(issued, design)
    return issued


def artisan_certificates_of(user_id: int) -> list[Certificate]:
    """The certificates whose holder is this user, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.holder_user_id == user_id, Certificate.kind == CertificateKind.ARTISAN)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        )
    )


def artisan_certificates_by_nomination(award_round_id: int) -> dict[int, Certificate]:
    """The award round's current certificates by nomination id."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.award_round_id == award_round_id).order_by(Certificate.generation)
    )
    return {c.nomination_id: c for c in rows if c.nomination_id is not None}


def revoke_artisan_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke an artisan's certificate (the title withdrawn, or a certificate issued in error), with a
    reason shown on the public verification page. The nomination keeps it: no new one is issued for it.

    :raise NotAllowed: the actor does not manage artisan certificates, or it is a product certificate.
    :raise DomainError: no reason, or the certificate is not valid.
    """
    if certificate.kind != CertificateKind.ARTISAN or not can_manage_artisan_certificates(actor):
        raise NotAllowed(_l("Bạn không quản lý giấy chứng nhận nghệ nhân."))
    return mark_revoked(actor=actor, certificate=certificate, reason=reason)


def reissue_artisan_certificate(
    *, actor: User, certificate: Certificate, reason: str, facts: ArtisanFacts, issued_on: date | None = None
) -> Certificate:
    """Issue a corrected certificate under a new number from ``facts`` (the nominee's details as they are
    now, the award round's current design); the old one is marked replaced, with the reason audited.

    :raise NotAllowed: the actor does not manage artisan certificates, or it is a product certificate.
    :raise DomainError: no reason, the certificate is not valid, or it was just reissued by someone else.
    """
    if certificate.kind != CertificateKind.ARTISAN or not can_manage_artisan_certificates(actor):
        raise NotAllowed(_l("Bạn không quản lý giấy chứng nhận nghệ nhân."))
    if facts.nomination_id != certificate.nomination_id:
        raise ValueError("facts of another nomination")
    reason = check_reissue(certificate, reason)
    design = artisan_design_of(facts.award_round_id)
    if design.id is None:
        db.session.add(design)
    _prepare_design(design, facts)
    try:
        replacement = _register(actor, facts, design, issued_on or today_vn(), generation=certificate.generation + 1)
    except IntegrityError:
        raise DomainError(_l("Giấy chứng nhận này vừa được cấp lại.")) from None
    store_pdfs([replacement], design)
    return mark_replaced(actor=actor, certificate=certificate, replacement=replacement, reason=reason)
