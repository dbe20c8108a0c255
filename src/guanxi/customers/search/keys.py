"""Search keys of customers: one normalised text per customer that a plain substring test finds.

A customer is found by name, code, phone, e-mail or a contact's name, also by the pinyin and
pinyin initials of the Chinese names (张伟 ← ``zhangwei``, ``zw``), whatever the width or case
of the input. Both sides go through :func:`normalise` (NFKC folds full-width forms, casefold
folds case, whitespace is dropped), so the database only has to answer ``LIKE '%term%'``:
a trigram GIN index on PostgreSQL, a scan on SQLite at embedded sizes.

Two-character terms (张伟, ``zw``) have no trigram, so a plain ``LIKE '%张伟%'`` cannot use the
index and scans a million rows. The keys therefore also hold every adjacent pair of Chinese
characters of each name as a key of its own, and such a term is searched as a whole key,
``LIKE '%|张伟|%'``: the separators around it pad it into the trigrams " 张伟" and "张伟 ",
which the index has. Two pinyin initials (``zw``) are searched as the start of a key,
``LIKE '%|zw%'`` (trigrams "  z", " zw"): they find 张伟 and 张伟贸易 but not 李张伟, which
keeps the keys, and the index's work on every insert, a fifth smaller (see
:func:`search_pattern`).

Heteronyms are keyed with the readings Chinese words actually use (pypinyin's phrase
dictionary) and the known surname readings: 长 gives zhang and chang, 单 dan, shan and chan,
but 杭 no "kang", a dictionary-only reading nobody types.

Protected fields. The keys of a field that field protection may mask or hide (the phone, the
e-mail) are not mixed into ``search_text``: each has a column of its own (``search_phone``,
``search_email``), and a reader with a mask/hide rule on that field searches without it
(``selectors.customers.customer_search_condition``). Otherwise a substring search is an oracle:
``160``, ``1601``, ``16012``... recovers a masked number digit by digit, and any fragment of a
masked e-mail confirms it. Refusing terms that "look like" a phone or an e-mail would not close
that: a fragment of an e-mail's local part or a few digits look like nothing, and a code or a
name may hold digits. Separate columns keep every search one indexed condition per column (an
OR over the columns the reader may use), with no per-row work in Python.
"""

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from pypinyin.contrib.tone_convert import to_normal
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from guanxi.core.phones import phone_search_keys, phone_search_term

# The search columns of Customer. A protectable field's keys have a column of their own, searched
# only for readers without a rule on that field (see the module docstring).
SEARCH_TEXT = "search_text"
SEARCH_PHONE = "search_phone"
SEARCH_EMAIL = "search_email"
PROTECTED_SEARCH_COLUMNS = {"customer.phone": SEARCH_PHONE, "customer.email": SEARCH_EMAIL}
SEARCH_COLUMNS = (SEARCH_TEXT, SEARCH_PHONE, SEARCH_EMAIL)

# Keys are joined with a character the normalised query can never contain, so a match never
# spans two keys (e.g. the end of the name and the start of the code).
SEPARATOR = "|"
# Heteronyms multiply readings (长 zhang/chang, 行 xing/hang); more variants than this per name
# are cut so one odd name cannot bloat its row (see _variants).
MAX_VARIANTS = 8
_SPACES = re.compile(r"\s+")
# Surname readings that no word in the phrase dictionary uses (区 Ou, 盖 Ge, 覃 Qin...).
SURNAME_READINGS = {
    "区": "ou",
    "盖": "ge",
    "缪": "miao",
    "覃": "qin",
    "召": "shao",
    "句": "gou",
    "隗": "wei",
    "秘": "bi",
    "宓": "fu",
    "员": "yun",
    "种": "chong",
    "繁": "po",
    "能": "nai",
    "洗": "xian",
    "尉": "yu",
    "万": "mo",
    "那": "nuo",
    "阿": "e",
}


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
        combos: Iterator[str] = ("".join(combo) for combo in itertools.product(*readings))
    else:
        base = [options[0] for options in readings]
        singles = (
            "".join(base[:i] + [alt] + base[i + 1 :])
            for i, options in enumerate(readings)
            for alt in options[1:]
        )
        combos = itertools.chain(["".join(base)], singles)
    return list(dict.fromkeys(itertools.islice(combos, MAX_VARIANTS)))


@lru_cache(maxsize=4096)
def _toneless(reading: str) -> str:
    return to_normal(reading)


@lru_cache(maxsize=1)
def _readings_in_use() -> dict[str, frozenset[str]]:
    """``{character: toneless readings some word of the phrase dictionary gives it}``."""
    used: dict[str, set[str]] = {}
    for phrase, readings in phrases_dict.items():
        for char, options in zip(phrase, readings, strict=False):
            used.setdefault(char, set()).add(_toneless(options[0]))
    for char, reading in SURNAME_READINGS.items():
        used.setdefault(char, set()).add(reading)
    return {char: frozenset(options) for char, options in used.items()}


@lru_cache(maxsize=8192)
def _readings(char: str) -> tuple[str, ...]:
    """The toneless readings of a character in use (most common first), or the character.

    Read straight from pypinyin's character dictionary: a full pypinyin call segments phrases
    and costs ~1 ms per name, too slow to key a million rows. The most common reading is
    always kept; the others only if a word or a surname uses them.
    """
    tones = pinyin_dict.get(ord(char))
    if not tones:
        return (char,)
    readings = list(dict.fromkeys(_toneless(reading) for reading in tones.split(",")))
    in_use = _readings_in_use().get(char, frozenset())
    return tuple(readings[:1] + [reading for reading in readings[1:] if reading in in_use])


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
    """Every two adjacent characters of the name (张伟明 → 张伟, 伟明) if it has Chinese.

    What a two-character Chinese term is matched against (see :func:`search_pattern`); pinyin
    gets no pairs, as nobody searches for ``ha`` meaning 恒 and initials match from the start.
    """
    plain, full, _initials = _name_parts(name)
    if not full:
        return ()
    return tuple(dict.fromkeys(plain[i : i + 2] for i in range(len(plain) - 1)))


def _is_initials(term: str) -> bool:
    return term.isascii() and term.isalpha()


def search_pattern(search: str) -> str:
    """What ``Customer.search_text`` must contain to match ``search`` ('' matches everything).

    A term of two characters must be a whole key (one of the name pairs, or a two-character
    name), or for two letters the start of a key (``zw``: 张伟, 张伟贸易), so the trigram index
    can answer it; longer terms are found anywhere inside a key. A one-character term is a
    plain substring test, which no index helps with. A term typed like a phone number is
    searched by its digits (core.phones.phone_search_term), so any spelling of it finds it.
    """
    if phone := phone_search_term(search):
        return phone
    term = normalise(search)
    if len(term) != 2:
        return term
    if _is_initials(term):
        return f"{SEPARATOR}{term}"
    return f"{SEPARATOR}{term}{SEPARATOR}"


def name_matches(name: str, search: str) -> bool:
    """Whether ``search`` finds ``name`` by the rule of :func:`search_pattern`.

    Used to show which contact a customer was found by.
    """
    term = normalise(search)
    if not term:
        return False
    if len(term) == 2:
        if _is_initials(term):
            return any(key.startswith(term) for key in name_keys(name))
        return term in name_keys(name) or term in name_pairs(name)
    return any(term in key for key in name_keys(name))


def _joined(keys: Iterable[str]) -> str:
    """Keys between separators (also at both ends, so the first and last can be matched whole)."""
    unique = SEPARATOR.join(dict.fromkeys(key for key in keys if key))
    return f"{SEPARATOR}{unique}{SEPARATOR}" if unique else ""


def customer_search_text(*, name: str, code: str, contact_names: Iterable[str] = ()) -> str:
    """The ``Customer.search_text`` of a customer with these values and contacts.

    The keys anyone who sees the customer may search by (names, pinyin, code, contact names),
    then the name pairs. Phone and e-mail keys live in columns of their own
    (:func:`customer_search_columns`).
    """
    contact_names = list(contact_names)
    keys: list[str] = [*name_keys(name), normalise(code)]
    for contact in contact_names:
        keys.extend(name_keys(contact))
    keys.extend(name_pairs(name))
    for contact in contact_names:
        keys.extend(name_pairs(contact))
    return _joined(keys)


def customer_search_columns(
    *, name: str, code: str, phone: str, email: str, contact_names: Iterable[str] = ()
) -> dict[str, str]:
    """``{column: keys}`` of every search column of a customer with these values and contacts."""
    return {
        SEARCH_TEXT: customer_search_text(name=name, code=code, contact_names=contact_names),
        SEARCH_PHONE: _joined([normalise(phone), *phone_search_keys(phone)]),
        SEARCH_EMAIL: _joined([normalise(email)]),
    }
