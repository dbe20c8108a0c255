"""The API's JSON parser: hostile bodies are a 400 naming the problem, never a crash.

DRF's own parser lets a deeply nested body (``[[[[…]]]]``) exhaust the interpreter's recursion
limit, which surfaces as a 500, and words its other errors in untranslated English. This one
refuses bodies nested deeper than :data:`MAX_DEPTH` (real documents of Guanxi are three or four
levels deep) and answers every malformed body with a translated message. The body's size is
bounded before parsing by Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a 413, see ``errors``).

Settings make it the default parser; views that name their parsers use it instead of DRF's.
"""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Lists and objects inside each other; an order with its lines is three levels deep.
MAX_DEPTH = 32


class _NotANumber(ValueError):
    pass


def _refuse_constant(name: str):
    raise _NotANumber(name)


def nesting_depth(value, limit: int) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion.

    Stops counting at ``limit + 1``: the caller only needs to know the limit is passed.
    """
    deepest = 0
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if not isinstance(node, dict | list):
            continue
        children = node.values() if isinstance(node, dict) else node
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class JSONParser(parsers.JSONParser):
    """JSON bodies, at most :data:`MAX_DEPTH` levels deep; errors are translated 400s."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(
                _("The request body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from error
        try:
            data = json.loads(text, parse_constant=_refuse_constant if self.strict else None)
        except RecursionError:
            data = None  # nested past the interpreter's limit: certainly past ours
            depth = self.max_depth + 1
        except _NotANumber as error:
            raise ParseError(
                _("The request body is not valid JSON: %(value)s is not a number in JSON.")
                % {"value": error}
            ) from error
        except json.JSONDecodeError as error:
            raise ParseError(
                _("The request body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        except ValueError as error:  # an integer of thousands of digits, for one
            raise ParseError(
                _("The request body is not valid JSON: a value in it is too large.")
            ) from error
        else:
            depth = nesting_depth(data, self.max_depth)
        if depth > self.max_depth:
            raise ParseError(
                _(
                    "The request body is nested too deeply: at most %(depth)d levels of lists "
                    "and objects are accepted."
                )
                % {"depth": self.max_depth}
            )
        return data
