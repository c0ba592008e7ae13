"""The Liquid subset SageMaker's worker task templates use, to render them (RenderUiTemplate).

Outputs `{{ expression | filter: argument }}`; tags `if`/`elsif`/`else`/`endif`, `unless`, `for ... in`
(with `forloop.index`, `forloop.first`, `forloop.last`), `comment` and `raw`. Expressions are dotted
paths (`task.input.text`, `item.label`, `list[0]`), quoted strings and numbers; conditions compare
two expressions (`==`, `!=`, `<`, `>`, `<=`, `>=`, `contains`) or test one for truth, joined by `and`
and `or`. Every output is HTML-escaped unless a filter says otherwise: Ground Truth's templates
escape variables by default and `skip_autoescape` turns that off. What cannot be rendered (an
unknown tag or filter, an unclosed block) is reported as an error and rendered as nothing.
"""
from __future__ import annotations

import html
import json
import re
from typing import Any

_TOKEN = re.compile(r"({{.*?}}|{%.*?%})", re.DOTALL)
_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+|\"[^\"]*\"|'[^']*')\]")
_COMPARISON = re.compile(r"^(.+?)\s*(==|!=|<=|>=|<|>|\bcontains\b)\s*(.+)$")
Errors = list[tuple[str, str]]


def render(template: str, variables: dict[str, Any]) -> tuple[str, Errors]:
    """The template rendered with `variables`, and the errors met (code, message)."""
    errors: Errors = []
    tokens = _TOKEN.split(template)
    tree, rest = _parse(tokens, 0, (), errors)
    while rest < len(tokens):  # a closing tag with no block: reported, and parsing goes on after it
        more, rest = _parse(tokens, rest + 1, (), errors)
        tree.extend(more)
    return _run(tree, dict(variables), errors), errors


# -- parsing: a list of nodes, ("text", s) / ("out", expr) / ("if", [(cond, body)], else) / ("for", ...)

def _tag(token: str) -> tuple[str, str]:
    inner = token[2:-2].strip().lstrip("-").rstrip("-").strip()
    name, _, rest = inner.partition(" ")
    return name, rest.strip()


def _parse(tokens: list[str], at: int, ends: tuple[str, ...], errors: Errors) -> tuple[list[Any], int]:
    nodes: list[Any] = []
    while at < len(tokens):
        token = tokens[at]
        if token.startswith("{{"):
            nodes.append(("out", token[2:-2].strip().strip("-").strip()))
        elif token.startswith("{%"):
            name, rest = _tag(token)
            if name in ends:
                return nodes, at
            if name in ("if", "unless"):
                node, at = _parse_if(tokens, at, name, rest, errors)
                nodes.append(node)
            elif name == "for":
                body, at = _parse(tokens, at + 1, ("endfor", "else"), errors)
                empty: list[Any] = []
                if at < len(tokens) and _tag(tokens[at])[0] == "else":
                    empty, at = _parse(tokens, at + 1, ("endfor",), errors)
                if at >= len(tokens):
                    errors.append(("LiquidSyntaxError", "'for' tag was never closed"))
                nodes.append(("for", rest, body, empty))
            elif name in ("comment", "raw"):
                end = next((index for index in range(at + 1, len(tokens)) if tokens[index].startswith("{%")
                            and _tag(tokens[index])[0] == "end" + name), None)
                if end is None:
                    errors.append(("LiquidSyntaxError", f"'{name}' tag was never closed"))
                    return nodes, len(tokens)
                if name == "raw":
                    nodes.append(("text", "".join(tokens[at + 1:end])))
                at = end
            else:
                errors.append(("LiquidSyntaxError", f"Unknown tag '{name}'"))
        elif token:
            nodes.append(("text", token))
        at += 1
    return nodes, at


def _parse_if(tokens: list[str], at: int, name: str, condition: str, errors: Errors) -> tuple[Any, int]:
    branches: list[tuple[str, bool, list[Any]]] = []
    negate = name == "unless"
    otherwise: list[Any] = []
    while True:
        body, at = _parse(tokens, at + 1, ("elsif", "else", "endif", "endunless"), errors)
        branches.append((condition, negate, body))
        if at >= len(tokens):
            errors.append(("LiquidSyntaxError", f"'{name}' tag was never closed"))
            break
        tag, rest = _tag(tokens[at])
        if tag == "elsif":
            condition, negate = rest, False
            continue
        if tag == "else":
            otherwise, at = _parse(tokens, at + 1, ("endif", "endunless"), errors)
            if at >= len(tokens):
                errors.append(("LiquidSyntaxError", f"'{name}' tag was never closed"))
        break
    return ("if", branches, otherwise), at


# -- running ----------------------------------------------------------------------------------

def _run(nodes: list[Any], scope: dict[str, Any], errors: Errors) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node[0]
        if kind == "text":
            out.append(node[1])
        elif kind == "out":
            out.append(_output(node[1], scope, errors))
        elif kind == "if":
            for condition, negate, body in node[1]:
                if _truth(condition, scope) != negate:
                    out.append(_run(body, scope, errors))
                    break
            else:
                out.append(_run(node[2], scope, errors))
        elif kind == "for":
            out.append(_loop(node, scope, errors))
    return "".join(out)


def _loop(node: Any, scope: dict[str, Any], errors: Errors) -> str:
    _, header, body, empty = node
    match = re.match(r"^(\w+)\s+in\s+(.+)$", header)
    if match is None:
        errors.append(("LiquidSyntaxError", f"Invalid 'for' tag: {header}"))
        return ""
    items = _value(match.group(2).split()[0], scope)
    if isinstance(items, dict):
        items = list(items.items())
    if not isinstance(items, list | tuple) or not items:
        return _run(empty, scope, errors)
    out = []
    for index, item in enumerate(items):
        inner = {**scope, match.group(1): item,
                 "forloop": {"index": index + 1, "index0": index, "first": index == 0,
                             "last": index == len(items) - 1, "length": len(items)}}
        out.append(_run(body, inner, errors))
    return "".join(out)


def _value(expression: str, scope: dict[str, Any]) -> Any:
    expression = expression.strip()
    if len(expression) >= 2 and expression[0] == expression[-1] and expression[0] in "\"'":
        return expression[1:-1]
    if re.fullmatch(r"-?\d+", expression):
        return int(expression)
    if re.fullmatch(r"-?\d+\.\d+", expression):
        return float(expression)
    if expression in ("true", "false"):
        return expression == "true"
    if expression in ("nil", "null", "empty"):
        return None
    current: Any = scope
    for name, index in _PART.findall(expression):
        key: Any = name or index.strip("\"'")
        if isinstance(current, list):
            current = current[int(key)] if str(key).lstrip("-").isdigit() and -len(current) <= int(key) < len(
                current) else (len(current) if key == "size" else None)
        elif isinstance(current, dict):
            current = current.get(key, len(current) if key == "size" else None)
        elif isinstance(current, str) and key == "size":
            current = len(current)
        else:
            return None
    return current


def _truth(condition: str, scope: dict[str, Any]) -> bool:
    for part in re.split(r"\s+or\s+", condition):
        if all(_test(term, scope) for term in re.split(r"\s+and\s+", part)):
            return True
    return False


def _test(term: str, scope: dict[str, Any]) -> bool:
    match = _COMPARISON.match(term.strip())
    if match is None:
        value = _value(term, scope)
        return value is not None and value is not False
    left, operator, right = _value(match.group(1), scope), match.group(2), _value(match.group(3), scope)
    if operator == "contains":
        return bool(left is not None and right is not None and right in left)
    if operator in ("==", "!="):
        return bool(left == right) == (operator == "==")
    try:
        return bool({"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[operator])
    except TypeError:
        return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _output(expression: str, scope: dict[str, Any], errors: Errors) -> str:
    head, *filters = [part.strip() for part in expression.split("|")]
    value = _value(head, scope)
    escape = True
    for spec in filters:
        name, _, argument = spec.partition(":")
        name, argument = name.strip(), argument.strip()
        if name == "skip_autoescape":
            escape = False
        elif name == "escape":
            value, escape = html.escape(_text(value)), False
        elif name == "to_json":
            value = json.dumps(value)
        elif name == "downcase":
            value = _text(value).lower()
        elif name == "upcase":
            value = _text(value).upper()
        elif name == "default":
            value = value if value not in (None, "", False, [], {}) else _value(argument, scope)
        elif name == "size":
            value = len(value) if isinstance(value, str | list | dict) else 0
        elif name == "grant_read_access":
            # An S3 URI becomes an HTTPS URL the worker's browser can read (AWS presigns it; sagemock
            # signs nothing, so the URL carries no signature).
            text = _text(value)
            if text.startswith("s3://"):
                bucket, _, key = text[len("s3://"):].partition("/")
                value = f"https://{bucket}.s3.amazonaws.com/{key}"
        else:
            errors.append(("LiquidSyntaxError", f"Unknown filter '{name}'"))
    text = _text(value)
    return html.escape(text) if escape else text
