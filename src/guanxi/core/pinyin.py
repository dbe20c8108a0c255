"""Sort keys that put Chinese names in pinyin order on SQLite and PostgreSQL alike.

Neither database sorts 杨, 张, 赵 by their readings: SQLite and PostgreSQL's C collation
compare code points (张 U+5F20 comes before 杨 U+6768), and a zh ICU collation exists only on
some PostgreSQL builds. So a name's pinyin is stored next to it (``name_sort``), written by
the services that write the name, and lists sort by that column, which a plain index serves.

Each character becomes a fixed block of seven characters from ``[0-9a-z]``: the toneless
syllable padded with ``0`` to six letters, then the tone (1-4, 5 for the neutral tone), so
杨 ``yang002``, 张 ``zhang01``, 赵 ``zhao004``. A letter or digit of another script is its own
block (``a000000``); anything else is left out. Blocks of one width compare syllable by
syllable, and strings of only digits and lower-case letters compare the same under every
collation (digits before letters, no ignorable characters), so both databases, whatever
their collation, give the same order. Equal keys (homophones with the same tone) fall back
to the id.
"""

import unicodedata

from pypinyin import Style, lazy_pinyin

BLOCK = 7
# 36 characters of a name decide its place; a longer name is cut (the id breaks a tie).
MAX_BLOCKS = 36
MAX_LENGTH = BLOCK * MAX_BLOCKS


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _blocks(token: str) -> list[str]:
    if len(token) == 1 and _is_han(token):
        return []  # no reading known: left out
    syllable = token.rstrip("12345")
    if token and token[-1] in "12345" and syllable.isascii() and syllable.isalpha():
        return [syllable[:6].ljust(6, "0") + token[-1]]
    # Accented Latin letters sort with their base letter (ü with u).
    plain = "".join(c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c))
    return [char.ljust(BLOCK, "0") for char in plain if char.isascii() and char.isalnum()]


def pinyin_sort_key(name: str) -> str:
    """The ``name_sort`` of ``name`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    if not folded:
        return ""
    tokens = lazy_pinyin(folded, style=Style.TONE3, neutral_tone_with_five=True)
    blocks: list[str] = []
    for token in tokens:
        blocks.extend(_blocks(token.casefold()))
        if len(blocks) >= MAX_BLOCKS:
            break
    return "".join(blocks[:MAX_BLOCKS])


def pinyin_keys(text: str) -> tuple[str, ...]:
    """The toneless full pinyin and the initials of ``text`` (华东 → huadong, hd); () if none.

    For matching what a person typed against short names (dictionary entries, value mapping),
    one reading per character; names with many readings are searched by ``customers.search``.
    """
    if not any(_is_han(char) for char in text or ""):
        return ()
    syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL) if s.isascii() and s.isalnum()]
    if not syllables:
        return ()
    return ("".join(syllables), "".join(s[0] for s in syllables))
