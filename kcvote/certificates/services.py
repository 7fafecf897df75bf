"""Certificate use cases: the round's design, numbering, issuing (one and in bulk), revoking, reissuing.

Numbers: one series per issuer code and year; the counter row is incremented with an UPDATE in
the issuing transaction, so two issuers running at once on PostgreSQL wait for each other's commit
and never take the same number (on SQLite the database lock does the same). A certificate that
fails to be written rolls its number back with it: no gaps from failures.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from kcvote.accounts.models import User
from kcvote.certificates import render
from kcvote.certificates.enums import CertificateKind, CertificateStatus
from kcvote.certificates.models import Certificate, CertificateCounter, CertificateDesign
from kcvote.certificates.rules import can_manage_certificates
from kcvote.certificates.sandbox import check_block
from kcvote.contests.enums import RoundState
from kcvote.contests.models import Round
from kcvote.core import audit
from kcvote.core.clock import today_vn
from kcvote.core.db import utcnow
from kcvote.core.errors import DomainError, NotAllowed
from kcvote.core.images import process_image
from kcvote.core.storage import delete_after_commit, discard_on_rollback, get_storage
from kcvote.entries.models import Entry, Product
from kcvote.extensions import db
from kcvote.facilities.models import Facility
from kcvote.reference.models import ProductGroup, Province

# Crockford's base 32: no I, L, O or U, so a code read from paper is typed without ambiguity.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BYTES = 15  # 120 bits of randomness, 24 characters
SHORT_CODE_LENGTH = 8
ISSUABLE_STATES = (RoundState.FINALIZED, RoundState.PUBLISHED)

DEFAULT_BODY = "SẢN PHẨM CÔNG NGHIỆP NÔNG THÔN TIÊU BIỂU {{ cap|upper }} NĂM {{ nam }}"
DEFAULT_FOOTER = (
    "Được công nhận tại Quyết định số {{ quyet_dinh }} ngày {{ ngay_quyet_dinh }}.\n"
    "Giấy chứng nhận có giá trị đến hết ngày {{ co_gia_tri_den }}."
)


def new_verification_code() -> str:
    """120 random bits written in Crockford base 32 (24 characters)."""
    number = int.from_bytes(secrets.token_bytes(CODE_BYTES), "big")
    chars = []
    for _ in range(CODE_BYTES * 8 // 5):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def normalise_code(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes, O→0, I and L→1."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -.\t")
    return cleaned.translate(str.maketrans("OIL", "011"))


def valid_until(issued_on: date, years: int) -> date:
    """31 December of the ``years``-th year counting the year of issue (DOMAIN.md §A: 4 by default,
    so a certificate issued on 15/12/2025 is valid to 31/12/2028)."""
    return date(issued_on.year + max(years, 1) - 1, 12, 31)


def next_number(issuer_code: str, year: int) -> int:
    """Take the next number of the series (issuer code, year) inside the caller's transaction."""
    table = CertificateCounter.__table__
    assert isinstance(table, Table)
    values = {"issuer_code": issuer_code, "year": year, "last_number": 0}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(postgresql.insert(table).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        db.session.execute(sqlite.insert(table).values(values).on_conflict_do_nothing())
    elif (
        db.session.scalar(
            select(CertificateCounter.id).where(
                CertificateCounter.issuer_code == issuer_code, CertificateCounter.year == year
            )
        )
        is None
    ):
        db.session.add(CertificateCounter(**values))
        db.session.flush()
    number = db.session.execute(
        update(CertificateCounter)
        .where(CertificateCounter.issuer_code == issuer_code, CertificateCounter.year == year)
        .values(last_number=CertificateCounter.last_number + 1)
        .returning(CertificateCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(number)


# -- the round's design ---------------------------------------------------------------------------


def default_design(round_: Round) -> CertificateDesign:
    """A design filled from the round: the provincial Sở Công Thương for provincial rounds, the
    Ministry's department above."""
    if round_.scope_province is not None:
        province = round_.scope_province
        parent = f"UBND {province.kind} {province.name}".upper()
        issuer = "SỞ CÔNG THƯƠNG"
        code = f"SCT-{province.code}".upper()
        place = province.name
    else:
        parent = "BỘ CÔNG THƯƠNG"
        issuer = "CỤC ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI XANH VÀ KHUYẾN CÔNG"
        code = "CUC-KC"
        place = "Hà Nội"
    return CertificateDesign(
        round_id=round_.id,
        issuer_code=code,
        number_suffix="GCN-SCT" if round_.scope_province is not None else "GCN-KC",
        parent_body=parent,
        issuer_name=issuer,
        place=place,
        signer_title="GIÁM ĐỐC" if round_.scope_province is not None else "CỤC TRƯỞNG",
        title="GIẤY CHỨNG NHẬN",
        body_text=DEFAULT_BODY,
        footer_text=DEFAULT_FOOTER,
    )


def design_of(round_: Round) -> CertificateDesign:
    """The round's saved design, or (not yet saved) its defaults."""
    design = db.session.scalar(select(CertificateDesign).where(CertificateDesign.round_id == round_.id))
    return design if design is not None else default_design(round_)


DESIGN_FIELDS = (
    "issuer_code",
    "number_suffix",
    "parent_body",
    "issuer_name",
    "place",
    "decision_number",
    "decision_date",
    "signer_title",
    "signer_name",
    "title",
    "body_text",
    "footer_text",
)


def _require_manager(actor: User, round_: Round) -> None:
    if not can_manage_certificates(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý đợt bình chọn này."))


def save_design(*, actor: User, round_: Round, fields: Mapping[str, Any]) -> CertificateDesign:
    """Save the organizer's design; the text blocks are checked in the sandbox first.

    :raise TemplateRefused: a text block the sandbox refuses (nothing is saved).
    """
    _require_manager(actor, round_)
    for name in ("title", "body_text", "footer_text"):
        check_block(str(fields.get(name) or ""))
    design = design_of(round_)
    if design.id is None:
        db.session.add(design)
    for name in DESIGN_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(design, name, value.strip() if isinstance(value, str) else value)
    design.updated_by_id = actor.id
    db.session.flush()
    audit.record("certificates.design_saved", actor_id=actor.id, obj=round_, design_id=design.id)
    return design


def set_background(*, actor: User, round_: Round, data: bytes) -> CertificateDesign:
    """Store a scanned border as the page background (decoded and re-encoded; metadata dropped)."""
    _require_manager(actor, round_)
    processed = process_image(data)
    storage = get_storage()
    key = storage.save(processed.original, suffix=processed.suffix)
    discard_on_rollback([key])
    design = design_of(round_)
    if design.id is None:
        db.session.add(design)
    if design.background_key:
        delete_after_commit([design.background_key])
    design.background_key = key
    design.updated_by_id = actor.id
    db.session.flush()
    audit.record("certificates.background_set", actor_id=actor.id, obj=round_)
    return design


def remove_background(*, actor: User, round_: Round) -> None:
    _require_manager(actor, round_)
    design = design_of(round_)
    if design.id is not None and design.background_key:
        delete_after_commit([design.background_key])
        design.background_key = None
        db.session.flush()
        audit.record("certificates.background_removed", actor_id=actor.id, obj=round_)


def design_problems(design: CertificateDesign) -> list[str]:
    """What is missing before certificates can be issued (each a sentence for the organizer)."""
    required = {
        "issuer_code": _l("Mã sê-ri số (cơ quan cấp)"),
        "number_suffix": _l("Ký hiệu số"),
        "issuer_name": _l("Cơ quan cấp"),
        "decision_number": _l("Số quyết định công nhận"),
        "decision_date": _l("Ngày quyết định"),
        "signer_title": _l("Chức vụ người ký"),
        "signer_name": _l("Họ tên người ký"),
    }
    return [str(_l("Chưa có: %(field)s", field=label)) for name, label in required.items() if not getattr(design, name)]


# -- which entries get certificates ---------------------------------------------------------------


def recognised(round_: Round) -> dict[int, str]:
    """entry id → prize ("" for none) of the recognised entries in the frozen results, ranked order."""
    from kcvote.judging.results import active_snapshot

    snapshot = active_snapshot(round_)
    if snapshot is None:
        return {}
    return {
        int(r["entry_id"]): str(r.get("prize") or "")
        for r in snapshot.records
        if r.get("recognised") and r.get("entry_id")
    }


def recognised_entry_ids(round_: Round) -> list[int]:
    """The recognised entries of the frozen results, in their ranked order."""
    return list(recognised(round_))


def certified_entry_ids(round_: Round) -> set[int]:
    """Entries of the round that already have a certificate (of any status)."""
    rows = db.session.scalars(select(Certificate.entry_id).where(Certificate.round_id == round_.id).distinct())
    return {entry_id for entry_id in rows if entry_id is not None}


def pending_entry_ids(round_: Round) -> list[int]:
    """Recognised entries still without a certificate, in ranked order."""
    done = certified_entry_ids(round_)
    return [entry_id for entry_id in recognised_entry_ids(round_) if entry_id not in done]


def check_can_issue(round_: Round, design: CertificateDesign) -> None:
    """:raise DomainError: the round's results are not frozen, or the design is incomplete."""
    if round_.state not in ISSUABLE_STATES:
        raise DomainError(_l("Chỉ cấp giấy chứng nhận khi kết quả đợt đã được chốt."))
    problems = design_problems(design)
    if problems:
        raise DomainError(_l("Mẫu giấy chứng nhận chưa đủ thông tin: %(problems)s", problems="; ".join(problems)))


@dataclass(frozen=True)
class EntryFacts:
    """What a certificate copies from an entry, read in one query (no ORM entry with its eager loads:
    numbering a thousand certificates must not load a thousand dossiers)."""

    id: int
    round_id: int
    facility_id: int
    code: str
    product: str
    facility: str
    address: str
    province: str
    group: str


def entry_facts(entry_ids: Collection[int]) -> dict[int, EntryFacts]:
    """entry id → its facts, for the given entries."""
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(
            Entry.id,
            Entry.round_id,
            Entry.facility_id,
            Entry.code,
            Product.name,
            Facility.name,
            Facility.address,
            Province.name,
            ProductGroup.name,
        )
        .select_from(Entry)
        .join(Product, Product.id == Entry.product_id)
        .join(Facility, Facility.id == Entry.facility_id)
        .outerjoin(Province, Province.id == Facility.province_id)
        .join(ProductGroup, ProductGroup.id == Entry.group_id)
        .where(Entry.id.in_(list(entry_ids)))
        .execution_options(populate_existing=False)
    )
    return {
        row[0]: EntryFacts(row[0], row[1], row[2], row[3] or "", row[4], row[5], row[6] or "", row[7] or "", row[8])
        for row in rows
    }


def _fill(certificate: Certificate, round_: Round, facts: EntryFacts, design: CertificateDesign, prize: str) -> None:
    """Copy the printed facts onto the certificate (they never change afterwards)."""
    certificate.round_id = round_.id
    certificate.entry_id = facts.id
    certificate.facility_id = facts.facility_id
    certificate.subject = facts.product
    certificate.holder = facts.facility
    certificate.holder_address = facts.address
    certificate.province = facts.province
    certificate.group = facts.group
    certificate.level = round_.level.name
    certificate.round_name = round_.name
    certificate.entry_code = facts.code
    certificate.prize = prize
    certificate.decision_number = design.decision_number
    certificate.decision_date = design.decision_date
    certificate.issuer_name = design.issuer_name
    certificate.signer_title = design.signer_title
    certificate.signer_name = design.signer_name


def issue_certificate(
    *,
    actor: User | None,
    round_: Round,
    entry: Entry | EntryFacts,
    design: CertificateDesign | None = None,
    issued_on: date | None = None,
    generation: int = 1,
    render_pdf: bool = True,
    recognised_prizes: Mapping[int, str] | None = None,
) -> Certificate:
    """Issue one certificate for a recognised entry: number, verification code, frozen facts, PDF.

    :raise DomainError: the round is not finalized, the design is incomplete, or the entry is not
        recognised in the frozen results.
    :raise IntegrityError: (on flush) this entry already has a certificate of this generation.
    """
    design = design or design_of(round_)
    check_can_issue(round_, design)
    prizes = recognised(round_) if recognised_prizes is None else recognised_prizes
    facts = entry if isinstance(entry, EntryFacts) else entry_facts([entry.id])[entry.id]
    if facts.round_id != round_.id or facts.id not in prizes:
        raise DomainError(_l("Sản phẩm %(code)s không có trong danh sách được công nhận.", code=facts.code))
    issued_on = issued_on or today_vn()
    sequence = next_number(design.issuer_code, issued_on.year)
    certificate = Certificate(
        kind=CertificateKind.PRODUCT,
        generation=generation,
        issuer_code=design.issuer_code,
        year=issued_on.year,
        sequence=sequence,
        number=f"{sequence}/{design.number_suffix}",
        verification_code=new_verification_code(),
        issued_on=issued_on,
        valid_until=valid_until(issued_on, round_.certificate_validity_years),
        status=CertificateStatus.VALID,
        issued_by_id=actor.id if actor else None,
    )
    _fill(certificate, round_, facts, design, prizes[facts.id])
    db.session.add(certificate)
    db.session.flush()
    if render_pdf:
        store_pdfs([certificate], design)
    audit.record(
        "certificate.issued",
        actor_id=actor.id if actor else None,
        obj=certificate,
        number=certificate.number,
        year=certificate.year,
        entry_id=facts.id,
    )
    return certificate


def issue_if_pending(
    *,
    actor: User | None,
    round_: Round,
    entry_id: int,
    design: CertificateDesign,
    prizes: Mapping[int, str],
    render_pdf: bool = True,
    facts: EntryFacts | None = None,
) -> Certificate | None:
    """Issue the entry's first certificate in a savepoint; None if it has one already (issued
    meanwhile by another job: the unique (entry, generation) refuses a second)."""
    if facts is None:
        found = entry_facts([entry_id])
        if entry_id not in found:
            raise DomainError(_l("Không tìm thấy hồ sơ."))
        facts = found[entry_id]
    try:
        with db.session.begin_nested():
            return issue_certificate(
                actor=actor,
                round_=round_,
                entry=facts,
                design=design,
                recognised_prizes=prizes,
                render_pdf=render_pdf,
            )
    except IntegrityError:
        return None


def issue_pending(
    *, actor: User | None, round_: Round, limit: int | None = None, render_pdf: bool = True
) -> list[Certificate]:
    """Issue certificates for recognised entries that have none yet (skipping any certified meanwhile).
    With ``render_pdf`` False only the registry rows are written; ``render_missing`` makes the PDFs."""
    design = design_of(round_)
    check_can_issue(round_, design)
    issued = issue_batch(actor=actor, round_=round_, entry_ids=pending_entry_ids(round_)[:limit], design=design)
    if render_pdf:
        store_pdfs(issued, design)
    return issued


def issue_batch(
    *,
    actor: User | None,
    round_: Round,
    entry_ids: list[int],
    design: CertificateDesign,
    prizes: Mapping[int, str] | None = None,
) -> list[Certificate]:
    """Number and register certificates for these recognised entries (no PDFs yet), reading their
    facts in one query; entries certified meanwhile by another job are skipped."""
    prizes = recognised(round_) if prizes is None else prizes
    facts = entry_facts(entry_ids)
    issued = []
    for entry_id in entry_ids:
        certificate = issue_if_pending(
            actor=actor,
            round_=round_,
            entry_id=entry_id,
            design=design,
            prizes=prizes,
            render_pdf=False,
            facts=facts.get(entry_id),
        )
        if certificate is not None:
            issued.append(certificate)
    return issued


def missing_pdf_ids(round_: Round) -> list[int]:
    """Valid certificates of the round whose PDF is not made yet (an issue interrupted between
    numbering and rendering), in number order."""
    return list(
        db.session.scalars(
            select(Certificate.id)
            .where(
                Certificate.round_id == round_.id,
                Certificate.status == CertificateStatus.VALID,
                Certificate.pdf_key.is_(None),
            )
            .order_by(Certificate.year, Certificate.sequence)
        )
    )


RENDER_BATCH = 50


def store_pdfs(certificates: list[Certificate], design: CertificateDesign) -> None:
    """Render certificates in batches of RENDER_BATCH pages (one WeasyPrint document each, split into
    one PDF per certificate) and keep each PDF as issued."""
    storage = get_storage()
    for start in range(0, len(certificates), RENDER_BATCH):
        batch = certificates[start : start + RENDER_BATCH]
        for certificate, data in zip(batch, render.certificates_pdfs(batch, design), strict=True):
            key = storage.save(data, suffix=".pdf")
            discard_on_rollback([key])
            if certificate.pdf_key:
                delete_after_commit([certificate.pdf_key])
            certificate.pdf_key = key
    db.session.flush()


def render_missing(round_: Round, ids: list[int] | None = None) -> int:
    """Make the PDFs of the given (default: all) certificates of the round that have none; returns
    how many were made."""
    wanted = missing_pdf_ids(round_) if ids is None else ids
    certificates = [
        c
        for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(wanted))).all()
        if c.pdf_key is None and c.round_id == round_.id
    ]
    certificates.sort(key=lambda c: (c.year, c.sequence))
    store_pdfs(certificates, design_of(round_))
    return len(certificates)


def preview_certificate(round_: Round, design: CertificateDesign) -> Certificate:
    """An unsaved certificate for the preview: the first recognised entry's facts (or sample text
    before the council has chosen), today's date, a number and code that are not real.

    :raise TemplateRefused: a text block of the design the sandbox refuses.
    """
    issued_on = today_vn()
    certificate = Certificate(
        issuer_code=design.issuer_code,
        year=issued_on.year,
        sequence=0,
        number=f"…/{design.number_suffix}",
        verification_code="0" * (CODE_BYTES * 8 // 5),
        issued_on=issued_on,
        valid_until=valid_until(issued_on, round_.certificate_validity_years),
        status=CertificateStatus.VALID,
    )
    prizes = recognised(round_)
    first = entry_facts([next(iter(prizes))]) if prizes else {}
    if first:
        facts = next(iter(first.values()))
        _fill(certificate, round_, facts, design, prizes[facts.id])
        certificate.entry_id = None  # not linked: the preview is never stored
        certificate.facility_id = None
    else:
        certificate.subject = str(_l("(Tên sản phẩm)"))
        certificate.holder = str(_l("(Tên cơ sở)"))
        certificate.holder_address = str(_l("(Địa chỉ cơ sở)"))
        certificate.group = round_.groups[0].name if round_.groups else ""
        certificate.level = round_.level.name
        certificate.round_name = round_.name
        certificate.decision_number = design.decision_number
        certificate.decision_date = design.decision_date
        certificate.issuer_name = design.issuer_name
        certificate.signer_title = design.signer_title
        certificate.signer_name = design.signer_name
    certificate.round = round_
    return certificate


# -- after issue ----------------------------------------------------------------------------------


def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke with a reason (shown publicly on the verification page; audited)."""
    if certificate.round is None or not can_manage_certificates(actor, certificate.round):
        raise NotAllowed(_l("Bạn không quản lý giấy chứng nhận này."))
    return mark_revoked(actor=actor, certificate=certificate, reason=reason)


def mark_revoked(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate the caller has already checked ``actor`` may manage (product or artisan)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Cần ghi lý do thu hồi."))
    if certificate.status != CertificateStatus.VALID:
        raise DomainError(_l("Chỉ thu hồi được giấy chứng nhận đang có hiệu lực."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = actor.id
    db.session.flush()
    audit.record("certificate.revoked", actor_id=actor.id, obj=certificate, number=certificate.number, reason=reason)
    return certificate


def reissue_certificate(
    *, actor: User, certificate: Certificate, reason: str, issued_on: date | None = None
) -> Certificate:
    """Issue a corrected certificate under a new number; the old one is marked replaced. The new one
    takes the product's and facility's current details and the round's current design."""
    round_ = certificate.round
    if round_ is None or not can_manage_certificates(actor, round_):
        raise NotAllowed(_l("Bạn không quản lý giấy chứng nhận này."))
    reason = check_reissue(certificate, reason)
    if certificate.entry_id is None:  # the entry is gone: nothing to take the current details from
        raise DomainError(
            _l("Chỉ cấp lại giấy chứng nhận đang có hiệu lực; giấy đã thu hồi hoặc đã thay thế thì không.")
        )
    replacement = issue_certificate(
        actor=actor,
        round_=round_,
        entry=entry_facts([certificate.entry_id])[certificate.entry_id],
        issued_on=issued_on,
        generation=certificate.generation + 1,
    )
    return mark_replaced(actor=actor, certificate=certificate, replacement=replacement, reason=reason)


def check_reissue(certificate: Certificate, reason: str) -> str:
    """The stripped reason, once the certificate may be reissued (product or artisan).

    :raise DomainError: no reason, or the certificate is revoked or already replaced.
    """
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Cần ghi lý do cấp lại."))
    if certificate.status != CertificateStatus.VALID:
        raise DomainError(
            _l("Chỉ cấp lại giấy chứng nhận đang có hiệu lực; giấy đã thu hồi hoặc đã thay thế thì không.")
        )
    return reason


def mark_replaced(*, actor: User, certificate: Certificate, replacement: Certificate, reason: str) -> Certificate:
    """Mark ``certificate`` replaced by ``replacement`` (audited with the reason); returns the replacement."""
    certificate.status = CertificateStatus.REPLACED
    certificate.replaced_by_id = replacement.id
    db.session.flush()
    audit.record(
        "certificate.replaced",
        actor_id=actor.id,
        obj=certificate,
        number=certificate.number,
        replacement=replacement.number,
        reason=reason,
    )
    return replacement


# -- finding certificates -------------------------------------------------------------------------


def by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (as printed under the QR code)."""
    code = normalise_code(code)
    if len(code) != CODE_BYTES * 8 // 5:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


def lookup(number: str, short_code: str) -> Certificate | None:
    """The certificate with this printed number whose code starts with ``short_code``. Anything else,
    whether the number exists or not, finds nothing."""
    number = " ".join(number.split())
    short = normalise_code(short_code)
    if not number or len(short) != SHORT_CODE_LENGTH:
        return None
    for certificate in db.session.scalars(select(Certificate).where(Certificate.number == number)):
        if secrets.compare_digest(certificate.short_code, short):
            return certificate
    return None
