"""Names of the titles as users read them (one place for forms, pages, minutes and e-mails)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kcvote.artisans.enums import Title

TITLE_LABELS = {Title.NNND: _l("Nghệ nhân nhân dân"), Title.NNUT: _l("Nghệ nhân ưu tú")}
