"""The organizer's text blocks: what the sandbox renders and what it refuses."""

from __future__ import annotations

import pytest

from kcvote.certificates.sandbox import TemplateRefused, check_block, render_block

CONTEXT = {"san_pham": "Chè <b>xanh</b>", "cap": "cấp tỉnh", "nam": "2025", "giai": ""}


def test_block_renders_names_filters_and_conditions(app) -> None:
    with app.test_request_context():
        text = render_block(
            "{{ cap|upper }} NĂM {{ nam }}\n{% if giai %}{{ giai }}{% else %}Công nhận{% endif %}", CONTEXT
        )
    assert str(text) == "CẤP TỈNH NĂM 2025<br>Công nhận"


def test_block_escapes_what_the_data_holds(app) -> None:
    with app.test_request_context():
        assert str(render_block("{{ san_pham }}", CONTEXT)) == "Chè &lt;b&gt;xanh&lt;/b&gt;"


@pytest.mark.parametrize(
    "source",
    [
        "{{ config }}",
        "{{ request }}",
        "{{ self }}",
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ san_pham.__class__ }}",
        "{{ san_pham|attr('__class__') }}",
        "{{ san_pham['__class__'] }}",
        "{{ san_pham.upper() }}",
        "{{ range(10) }}",
        "{{ lipsum() }}",
        "{{ cycler }}",
        "{{ san_pham * 1000000 }}",
        "{% for c in san_pham %}{% for d in san_pham %}x{% endfor %}{% endfor %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% import '_macros.html' as m %}",
        "{% set san_pham = 'x' %}",
        "{% macro m() %}{% endmacro %}",
        "{{ san_pham|safe }}",
        "{{ san_pham|format(1) }}",
        "{{ x",
        "{{ 1.5 }}",
        "x" * 2001,
    ],
)
def test_block_refuses_anything_beyond_names_and_text_filters(app, source: str) -> None:
    with app.test_request_context(), pytest.raises(TemplateRefused):
        check_block(source)
