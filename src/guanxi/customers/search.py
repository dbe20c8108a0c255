"""Search keys of customers: one normalised text per customer that a plain substring test finds.

A customer is found by name, code, phone, e-mail or a contact's name, also by the pinyin and
pinyin initials of the Chinese names (张伟 ← ``zhangwei``, ``zw``), whatever the width or case
of the input. Both sides go through :func:`normalise` (NFKC folds full-width forms, casefold
folds case, whitespace is dropped), so the database only has to answer ``LIKE '%term%'``:
a trigram GIN index on PostgreSQL, a scan on SQLite at embedded sizes.

Two-character terms (张伟, ``zw``) have no trigram, so a plain ``LIKE '%张伟%'`` cannot use the
index and scans a million rows. The keys therefore also hold every adjacent pair of characters
of each name and of its initials as a key of its own, and such a term is searched as a whole
key, ``LIKE '%|张伟|%'``: the separators around it pad it into the trigrams " 张伟" and "张伟 ",
which the index has (see :func:`search_pattern`).
"""

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

# Keys are joined with a character the normalised query can never contain, so a match never
# spans two keys (e.g. the end of the name and the start of the code).
SEPARATOR = "|"
# Heteronyms multiply readings (长 zhang/chang, 行 xing/hang); more variants than this per name
# are cut so one odd name cannot bloat its row (see _variants).
MAX_VARIANTS = 8
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Width-, case- and space-insensitive form of ``text`` used for keys and queries alike."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _SPACES.sub("", folded).replace(SEPARATOR, "")


def _variants(readings: list[list[str]]) -> list[str]:
    """Joined readings of a name, every heteronym reading represented, at most MAX_VARIANTS.

    Small products are kept whole; larger ones keep the default reading of every character
    plus, per heteronym, the variants that change only that character. That stays linear in
    the name's length and still finds any query using one non-default reading.
    """
    readings = [[r for r in dict.fromkeys(options) if r] or [""] for options in readings]
    total = 1
    for options in readings:
        total *= len(options)
    if total <= MAX_VARIANTS:
        combos = ("".join(combo) for combo in itertools.product(*readings))
    else:
        base = [options[0] for options in readings]
        singles = (
            "".join(base[:i] + [alt] + base[i + 1 :])
            for i, options in enumerate(readings)
            for alt in options[1:]
        )
        combos = itertools.chain(["".join(base)], singles)
    return list(dict.fromkeys(itertools.islice(combos, MAX_VARIANTS)))


@lru_cache(maxsize=8192)
def _readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of a character (most common first), or the character itself.

    Read straight from pypinyin's character dictionary (heteronyms included): a full
    pypinyin call segments phrases and costs ~1 ms per name, too slow to key a million rows.
    """
    tones = pinyin_dict.get(ord(char))
    if not tones:
        return (char,)
    return tuple(dict.fromkeys(to_normal(reading) for reading in tones.split(",")))


@lru_cache(maxsize=65536)
def _name_parts(name: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The normalised name, its full-pinyin variants and its initials variants."""
    plain = normalise(name)
    readings = [_readings(char) for char in plain]
    if not any(options != (char,) for char, options in zip(plain, readings, strict=True)):
        return plain, (), ()
    full = _variants([list(options) for options in readings])
    initials = [list(dict.fromkeys(option[0] for option in options)) for options in readings]
    return plain, tuple(full), tuple(_variants(initials))


def name_keys(name: str) -> tuple[str, ...]:
    """The normalised name, and its full-pinyin and initials variants if it has Chinese."""
    plain, full, initials = _name_parts(name)
    return tuple(dict.fromkeys(key for key in (plain, *full, *initials) if key))


def name_pairs(name: str) -> tuple[str, ...]:
    """Every two adjacent characters of the name and of its initials (张伟明 → 张伟, 伟明, zw, wm).

    What a two-character term is matched against (see :func:`search_pattern`); full pinyin
    gets no pairs, as nobody searches for ``ha`` meaning 恒.
    """
    plain, _full, initials = _name_parts(name)
    return tuple(
        dict.fromkeys(key[i : i + 2] for key in (plain, *initials) for i in range(len(key) - 1))
    )


def search_pattern(search: str) -> str:
    """What ``Customer.search_text`` must contain to match ``search`` ('' matches everything).

    A term of two characters must be a whole key (one of the name pairs, or a two-character
    name) so the trigram index can answer it; longer terms are found anywhere inside a key.
    A one-character term is a plain substring test, which no index helps with.
    """
    term = normalise(search)
    return f"{SEPARATOR}{term}{SEPARATOR}" if len(term) == 2 else term


def name_matches(name: str, search: str) -> bool:
    """Whether ``search`` finds ``name`` by the rule of :func:`search_pattern`.

    Used to show which contact a customer was found by.
    """
    term = normalise(search)
    if not term:
        return False
    if len(term) == 2:
        return term in name_keys(name) or term in name_pairs(name)
    return any(term in key for key in name_keys(name))


def customer_search_text(
    *, name: str, code: str, phone: str, email: str, contact_names: Iterable[str] = ()
) -> str:
    """The ``Customer.search_text`` of a customer with these values and contacts.

    The keys, then the name pairs, each between separators (also at both ends, so the first
    and last key can be matched whole).
    """
    contact_names = list(contact_names)
    keys: list[str] = [*name_keys(name), normalise(code), normalise(phone), normalise(email)]
    digits = re.sub(r"\D", "", phone or "")
    keys.append(digits)
    for contact in contact_names:
        keys.extend(name_keys(contact))
    keys.extend(name_pairs(name))
    for contact in contact_names:
        keys.extend(name_pairs(contact))
    unique = SEPARATOR.join(dict.fromkeys(key for key in keys if key))
    return f"{SEPARATOR}{unique}{SEPARATOR}" if unique else ""
