"""A small, safe expression language for selecting documents (``inspect --where``).

Grammar (parsed here, never ``eval``)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | comparison
    comparison := COLUMN OP LITERAL
    OP         := "<" | "<=" | ">" | ">=" | "==" | "=" | "!="
    LITERAL    := number | 'string' | "string" | true | false

``COLUMN`` is a column name as stored, dots included (``signals.gopher_quality.words``,
``reject.reason``, ``language_score``). A comparison with a missing value (null) is false, as
in SQL, so ``signals.x.y < 80`` never selects documents without that signal. The expression
is evaluated on Arrow tables with ``pyarrow.compute`` one row group at a time.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from corpuskit.errors import ConfigError

_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op><=|>=|==|!=|<|>|=)
      | (?P<paren>[()])
      | (?P<word>[A-Za-z_][\w.#-]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not"}
_LITERAL_WORDS = {"true": True, "false": False}
OPERATORS = ("<", "<=", ">", ">=", "==", "!=")


@dataclasses.dataclass(frozen=True)
class Comparison:
    """``column op value``."""

    column: str
    op: str
    value: Any


@dataclasses.dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` of two or more parts, or ``not`` of one."""

    op: str
    parts: tuple


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise ConfigError(
                f"--where {text!r}: cannot read {text[pos:].strip()!r} (position {pos}); "
                "write COLUMN OP VALUE joined by and/or, e.g. 'signals.gopher_quality.words < 80'"
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def error(self, what: str) -> ConfigError:
        return ConfigError(
            f"--where {self.text!r}: {what}; write COLUMN OP VALUE joined by and/or/not, "
            "e.g. \"signals.gopher_quality.words < 80 and language == 'en'\""
        )

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.error("the expression ends too early")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.pos += 1
            return True
        return False

    def parse(self):
        if not self.tokens:
            raise self.error("the expression is empty")
        node = self.expr()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")
        return node

    def expr(self):
        parts = [self.and_expr()]
        while self.keyword("or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self):
        parts = [self.not_expr()]
        while self.keyword("and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_expr(self):
        if self.keyword("not"):
            return BoolOp("not", (self.not_expr(),))
        if self.peek() == ("paren", "("):
            self.take()
            node = self.expr()
            if self.take() != ("paren", ")"):
                raise self.error("missing ')'")
            return node
        return self.comparison()

    def comparison(self) -> Comparison:
        kind, column = self.take()
        if kind != "word" or column.lower() in _KEYWORDS:
            raise self.error(f"expected a column name, got {column!r}")
        kind, op = self.take()
        if kind != "op":
            raise self.error(f"expected one of {', '.join(OPERATORS)} after {column!r}")
        kind, raw = self.take()
        if kind == "number":
            value: Any = float(raw) if any(c in raw for c in ".eE") else int(raw)
        elif kind == "string":
            value = raw[1:-1]
        elif kind == "word" and raw.lower() in _LITERAL_WORDS:
            value = _LITERAL_WORDS[raw.lower()]
        else:
            raise self.error(f"expected a number or a quoted string after {column} {op}")
        return Comparison(column, "==" if op == "=" else op, value)


def parse(text: str):
    """The syntax tree of a ``--where`` expression; ConfigError naming the problem."""
    return _Parser(text).parse()


def columns(node) -> set[str]:
    """Every column an expression reads."""
    if isinstance(node, Comparison):
        return {node.column}
    return set().union(*(columns(part) for part in node.parts))


def check_columns(node, available: list[str], where: str) -> None:
    """ConfigError when the expression names a column the data does not have."""
    missing = sorted(columns(node) - set(available))
    if missing:
        raise ConfigError(
            f"--where: {where} has no column {', '.join(missing)}; its columns: {', '.join(available)}"
        )


def mask(node, table):
    """A boolean Arrow array: which rows of ``table`` the expression selects (nulls: no)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(node, BoolOp):
        parts = [mask(part, table) for part in node.parts]
        if node.op == "not":
            return pc.invert(parts[0])
        combine = pc.and_ if node.op == "and" else pc.or_
        result = parts[0]
        for part in parts[1:]:
            result = combine(result, part)
        return result
    column = table[node.column]
    value = node.value
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        if not isinstance(value, str):
            value = str(value)
    elif isinstance(value, str):
        raise ConfigError(
            f"--where: {node.column} holds {column.type} values; compare it with a number, "
            f"not {value!r}"
        )
    function = {
        "<": pc.less,
        "<=": pc.less_equal,
        ">": pc.greater,
        ">=": pc.greater_equal,
        "==": pc.equal,
        "!=": pc.not_equal,
    }[node.op]
    return pc.fill_null(function(column, pa.scalar(value)), False)
