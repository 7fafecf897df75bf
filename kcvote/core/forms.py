"""The base form of every kcvote form: WTForms' own messages in the user's language, and
numbers typed the Vietnamese way (70,5)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import support
from flask import g, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField
from wtforms.widgets import TextInput

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class _WTFormsTranslations:
    """WTForms ships no Vietnamese catalogue: ours is kcvote/translations/vi/LC_MESSAGES/wtforms.po.
    English falls back to WTForms' own (English) messages."""

    def _catalog(self) -> Any:
        if not has_request_context():
            return None
        cached = getattr(g, "_kcvote_wtforms_translations", None)
        if cached is None:
            cached = support.Translations.load(str(TRANSLATIONS_DIR), [get_locale()], domain="wtforms")
            g._kcvote_wtforms_translations = cached
        return cached

    def gettext(self, string: str) -> str:
        catalog = self._catalog()
        return string if catalog is None else str(catalog.ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return str(catalog.ungettext(singular, plural, n))


_TRANSLATIONS = _WTFormsTranslations()


class BaseForm(FlaskForm):
    """Every form of the app derives from this one."""

    class Meta:
        def get_translations(self, form: Any) -> _WTFormsTranslations:
            return _TRANSLATIONS


class LocalDecimalField(DecimalField):
    """A decimal that also accepts a comma as the decimal separator (70,5)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(" ", "").replace(",", ".")]
        super().process_formdata(valuelist)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if isinstance(self.data, Decimal):
            try:
                text = f"{self.data.normalize():f}"
            except InvalidOperation:
                return str(self.data)
            return text.replace(".", ",") if str(get_locale()) == "vi" else text
        return super()._value()


class VnDateField(DateField):
    """A date typed as dd/mm/yyyy (the browser's date picker would follow the browser's own
    language, often mm/dd/yyyy); ISO dates are accepted too."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%d/%m/%Y", "%Y-%m-%d"])
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
