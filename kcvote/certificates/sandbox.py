"""The organizer's text blocks, rendered in a sandboxed Jinja environment.

An organizer writes e.g. ``Đạt danh hiệu sản phẩm công nghiệp nông thôn tiêu biểu {{ cap }} năm
{{ nam }}``. Two fences:

1. Before rendering, the parsed template may hold only text, the names of VARIABLES, string
   constants, ``~`` concatenation, ``if``/``else`` with comparisons and tests, and a few text filters
   (ALLOWED_FILTERS). No attribute or item access (``{{ ''.__class__ }}``, ``so['x']``), no calls, no
   loops (nested loops over a string would spin the CPU), no ``include``/``import``/``set``/macros,
   no arithmetic. ``{{ config }}`` is refused as an unknown name.
2. Rendering uses Jinja's ImmutableSandboxedEnvironment with autoescaping, no loader, no globals and
   StrictUndefined, on a flat dict of strings built from the certificate, never an application object.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from kcvote.core.errors import DomainError

MAX_TEMPLATE_CHARS = 2000
MAX_OUTPUT_CHARS = 5000

# The names a text block may use, with what each holds (shown beside the form).
VARIABLES: dict[str, LazyString] = {
    "so": _l("Số giấy chứng nhận (123/GCN-SCT)"),
    "san_pham": _l("Tên sản phẩm"),
    "co_so": _l("Tên cơ sở"),
    "dia_chi": _l("Địa chỉ cơ sở"),
    "tinh": _l("Tỉnh, thành phố của cơ sở"),
    "nhom": _l("Nhóm sản phẩm"),
    "cap": _l("Cấp bình chọn (cấp tỉnh ...)"),
    "dot": _l("Tên đợt bình chọn"),
    "nam": _l("Năm của đợt bình chọn"),
    "ma_so": _l("Mã số bình chọn"),
    "giai": _l("Giải (nếu có)"),
    "quyet_dinh": _l("Số quyết định công nhận"),
    "ngay_quyet_dinh": _l("Ngày quyết định (dd/mm/yyyy)"),
    "co_gia_tri_den": _l("Có giá trị đến (dd/mm/yyyy)"),
    "ngay_cap": _l("Ngày cấp (dd/mm/yyyy)"),
}


class TemplateRefused(DomainError):
    """A text block that does not parse, names something it may not, or tries to escape the sandbox."""


ALLOWED_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d", "e", "escape", "length"})
ALLOWED_TESTS = frozenset({"defined", "undefined", "none", "string", "number"})
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Concat,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Filter,
    nodes.Test,
)


class _Environment(ImmutableSandboxedEnvironment):
    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, auto_reload=False, cache_size=50)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in ALLOWED_FILTERS}
        self.tests = {name: t for name, t in self.tests.items() if name in ALLOWED_TESTS}


_ENV = _Environment()


def _check_names(source: str) -> None:
    """Refuse names outside VARIABLES before rendering, with the offending name in the message."""
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(
            _l("Mẫu chữ sai cú pháp (dòng %(line)s): %(error)s", line=exc.lineno, error=exc.message)
        ) from None
    for node in _walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise TemplateRefused(
                _l(
                    "Mẫu chữ chỉ được dùng {{ tên }}, if/else và bộ lọc chữ; không dùng: %(what)s",
                    what=type(node).__name__,
                )
            )
        if isinstance(node, nodes.Name) and (node.ctx != "load" or node.name not in VARIABLES):
            raise TemplateRefused(_l("Mẫu chữ dùng tên không được phép: %(name)s", name=node.name))
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise TemplateRefused(_l("Mẫu chữ dùng bộ lọc không được phép: %(name)s", name=node.name))
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            raise TemplateRefused(_l("Mẫu chữ dùng phép thử không được phép: %(name)s", name=node.name))
        if isinstance(node, nodes.Const) and not isinstance(node.value, (str, int, bool)) and node.value is not None:
            raise TemplateRefused(_l("Mẫu chữ dùng giá trị không được phép."))


def _walk(node: nodes.Node) -> list[nodes.Node]:
    found = [node]
    for child in node.iter_child_nodes():
        found.extend(_walk(child))
    return found


def render_block(source: str, context: Mapping[str, str]) -> Markup:
    """Render one text block with ``context`` (strings only); newlines become line breaks.

    :raise TemplateRefused: on a syntax error, a name outside VARIABLES, or a sandbox violation.
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateRefused(_l("Mẫu chữ dài quá %(n)d ký tự.", n=MAX_TEMPLATE_CHARS))
    _check_names(source)
    data = {name: str(context.get(name, "")) for name in VARIABLES}
    try:
        text = _ENV.from_string(source).render(data)
    except SecurityError:
        raise TemplateRefused(_l("Mẫu chữ có thao tác không được phép.")) from None
    except UndefinedError as exc:
        raise TemplateRefused(_l("Mẫu chữ dùng giá trị không có: %(error)s", error=exc.message or "")) from None
    except TemplateError as exc:
        raise TemplateRefused(_l("Không dựng được mẫu chữ: %(error)s", error=exc.message or "")) from None
    if len(text) > MAX_OUTPUT_CHARS:
        raise TemplateRefused(_l("Mẫu chữ tạo ra văn bản quá dài."))
    # The rendered text is already escaped (autoescape); only the line breaks become markup.
    return Markup("<br>").join(Markup(text).split("\n"))  # noqa: S704  # autoescaped by the sandbox


def check_block(source: str) -> None:
    """Validate a block at save time by rendering it with sample values."""
    render_block(source, {name: name for name in VARIABLES})
