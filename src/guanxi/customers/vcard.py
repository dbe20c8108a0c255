"""vCard 电子名片 reading and writing for contacts (RFC 2426 vCard 3.0, RFC 6350 vCard 4.0).

Pure functions, no database: :func:`contacts_to_vcard` writes contacts as one .vcf text and
:func:`parse_vcards` turns an uploaded file into one :class:`ParsedCard` per card, each with the
contact fields it would create or the errors that stop it. The rules of an import (scope,
duplicates, the transaction) live in ``customers.services.vcard``.

Cards from old phones are vCard 2.1 with QUOTED-PRINTABLE values and ``CHARSET=UTF-8``; vobject
reads them with ``allowQP=True``. Each card is parsed on its own, so one broken card is reported
as that card's error instead of failing the whole file.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import vobject
from django.utils.translation import gettext as _

from guanxi.core.phones import phone_international, phone_normalise_or_keep, phone_parse

VCARD_VERSIONS = ("3.0", "4.0")
DEFAULT_VCARD_VERSION = "3.0"
MAX_VCARD_BYTES = 1024 * 1024
MAX_VCARD_CARDS = 1000
VCARD_CONTENT_TYPE = "text/vcard; charset=utf-8"

# Two-character surnames 复姓: the family name is these two characters, not the first one.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "司空",
        "夏侯",
        "令狐",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太史",
        "申屠",
        "轩辕",
        "钟离",
        "闾丘",
        "呼延",
        "万俟",
        "百里",
        "东郭",
        "南门",
        "羊舌",
        "微生",
        "梁丘",
        "左丘",
        "第五",
        "赫连",
        "拓跋",
        "乐正",
        "公羊",
        "谷梁",
        "漆雕",
        "壤驷",
        "巫马",
        "子车",
        "颛孙",
        "仲孙",
    }
)
_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·]+$")
_CARD_START = re.compile(r"^(?:[\w-]+\.)?BEGIN:VCARD\s*$", re.IGNORECASE)
_CARD_END = re.compile(r"^(?:[\w-]+\.)?END:VCARD\s*$", re.IGNORECASE)
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_TYPES = {"CELL", "MOBILE", "IPHONE"}
_OFFICE_TYPES = {"WORK", "MAIN", "COMPANY"}


def is_chinese_name(name: str) -> bool:
    return bool(_HAN.match(name))


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a display name.

    欧阳娜娜 → (欧阳, 娜娜), 张伟 → (张, 伟), Jane Doe → (Doe, Jane).

    A Chinese name of 2–4 characters starts with its surname, one character unless it is a
    compound surname; longer or mixed names are not guessed at and stay whole as given name.
    """
    name = " ".join(name.split())
    if is_chinese_name(name):
        if 2 <= len(name) <= 4:
            cut = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
            return name[:cut], name[cut:]
        return "", name
    if " " in name:
        given, family = name.rsplit(" ", 1)
        return family, given
    return "", name


def join_name(family: str, given: str) -> str:
    """The display name from N's parts: family first for Chinese, given first otherwise."""
    family, given = family.strip(), given.strip()
    if is_chinese_name(family + given):
        return family + given
    return " ".join(part for part in (given, family) if part)


def phone_key(number: str) -> str:
    """Digits of a phone number without China's +86, so 138 0013 8000 equals +86 13800138000."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return digits


# --- writing -------------------------------------------------------------------------------


def _pref(line, version: str) -> None:
    if version == "4.0":
        line.params["PREF"] = ["1"]
    else:
        line.params.setdefault("TYPE", []).append("pref")


def contact_to_card(contact, *, organisation: str, version: str = DEFAULT_VCARD_VERSION):
    """One contact as a vobject card. The primary contact carries PREF on its ORG line."""
    card = vobject.vCard()
    card.add("version").value = version
    card.add("fn").value = contact.name
    family, given = split_name(contact.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    org = card.add("org")
    org.value = [organisation]
    if contact.is_primary:
        _pref(org, version)
    if contact.title:
        card.add("title").value = contact.title
    if contact.mobile:
        tel = card.add("tel")
        tel.value = phone_international(contact.mobile)
        tel.params["TYPE"] = ["CELL"] if version == "3.0" else ["cell"]
    if contact.office_phone:
        tel = card.add("tel")
        tel.value = phone_international(contact.office_phone)
        tel.params["TYPE"] = ["WORK", "VOICE"] if version == "3.0" else ["work", "voice"]
    if contact.email:
        email = card.add("email")
        email.value = contact.email
        email.params["TYPE"] = ["INTERNET", "WORK"] if version == "3.0" else ["work"]
    if contact.gender and version == "4.0":
        card.add("gender").value = {"male": "M", "female": "F"}.get(contact.gender, "U")
    elif contact.gender:
        card.add("x-gender").value = contact.gender.capitalize()
    if contact.notes:
        card.add("note").value = contact.notes
    return card


def contacts_to_vcard(
    contacts: Iterable, *, organisation: str, version: str = DEFAULT_VCARD_VERSION
) -> str:
    if version not in VCARD_VERSIONS:
        raise ValueError(version)
    return "".join(
        contact_to_card(contact, organisation=organisation, version=version).serialize()
        for contact in contacts
    )


# --- reading -------------------------------------------------------------------------------


@dataclass
class ParsedCard:
    """One card of an uploaded file: the contact fields it carries, or why it cannot be used."""

    number: int
    fields: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    primary: bool = False

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


class VCardFileError(ValueError):
    """The file as a whole cannot be read (too big, not text, no cards, too many cards)."""


def decode_upload(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 from older Chinese phones.

    The bytes decide, never the uploaded content type.
    """
    if len(data) > MAX_VCARD_BYTES:
        raise VCardFileError(
            _("The file is larger than %(size)d KB.") % {"size": MAX_VCARD_BYTES // 1024}
        )
    if b"\x00" in data:
        raise VCardFileError(_("This is not a vCard file (.vcf)."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise VCardFileError(_("This is not a vCard file (.vcf)."))


def split_cards(text: str) -> list[str]:
    """The text of each BEGIN:VCARD … END:VCARD block (group prefixes like ``item1.`` too)."""
    cards, current = [], None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if current is None:
            if _CARD_START.match(line.strip()):
                current = [line.strip()]
            continue
        current.append(line)
        if _CARD_END.match(line.strip()):
            cards.append("\r\n".join(current) + "\r\n")
            current = None
    if current is not None:
        cards.append("\r\n".join(current) + "\r\n")  # unterminated: vobject names the error
    return cards


def _types(line) -> set[str]:
    types = {str(value).upper() for value in line.params.get("TYPE", [])}
    types.update(str(value).upper() for value in getattr(line, "singletonparams", []))
    if line.params.get("PREF"):
        types.add("PREF")
    # 3.0 writes TYPE=WORK,VOICE as one value in some exporters.
    return {part.strip() for value in types for part in value.split(",") if part.strip()}


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(filter(None, (_text(item) for item in value)))
    return " ".join(str(value or "").split())


def _card_name(card) -> str:
    fn = card.contents.get("fn")
    name = _text(fn[0].value).strip() if fn else ""
    if not name and card.contents.get("n"):
        n = card.n.value
        name = join_name(_text(getattr(n, "family", "")), _text(getattr(n, "given", "")))
    return " ".join(name.split())


def _ordered(lines) -> list:
    """Preferred lines first, otherwise in file order."""
    return sorted(lines, key=lambda line: "PREF" not in _types(line))


def _without(numbers: list[str], chosen: str) -> list[str]:
    rest = list(numbers)
    if chosen in rest:
        rest.remove(chosen)
    return rest


def card_to_fields(card, number: int) -> ParsedCard:
    parsed = ParsedCard(number=number)
    fields = parsed.fields
    fields["name"] = _card_name(card)
    mobiles, offices, other_phones = [], [], []
    for tel in _ordered(card.contents.get("tel", [])):
        number_text = re.sub(r"^tel:", "", _text(tel.value), flags=re.IGNORECASE).strip()
        if not number_text:
            continue
        types = _types(tel) - {"PREF", "VOICE"}
        if types & _MOBILE_TYPES:
            mobiles.append(number_text)
        elif types & _OFFICE_TYPES and not types & {"FAX", "PAGER"}:
            offices.append(number_text)
        elif types:  # home, fax, pager, …: kept in the notes, not lost
            other_phones.append(number_text)
        elif _CN_MOBILE.match(phone_key(number_text)):
            mobiles.append(number_text)
        else:
            offices.append(number_text)
    # Only a valid number becomes the mobile or office phone (stored in E.164, core.phones);
    # any other is kept in the notes with the rest, so one odd number does not refuse a card.
    mobile = next((n for n in mobiles if phone_parse(n) is not None), "")
    office = next((n for n in offices if phone_parse(n) is not None), "")
    fields["mobile"] = phone_normalise_or_keep(mobile)[0]
    fields["office_phone"] = phone_normalise_or_keep(office)[0]
    other_phones = [
        *_without(mobiles, mobile),
        *_without(offices, office),
        *other_phones,
    ]
    emails = [_text(e.value).strip() for e in _ordered(card.contents.get("email", []))]
    emails = [email for email in emails if email]
    fields["email"] = emails[0] if emails else ""
    titles = card.contents.get("title") or card.contents.get("role") or []
    fields["title"] = _text(titles[0].value).strip() if titles else ""
    fields["gender"] = _gender(card)
    notes = [str(note.value).strip() for note in card.contents.get("note", []) if note.value]
    if other_phones:
        notes.append(_("Other phones: %(phones)s") % {"phones": ", ".join(other_phones)})
    if emails[1:]:
        notes.append(_("Other e-mails: %(emails)s") % {"emails": ", ".join(emails[1:])})
    fields["notes"] = "\n".join(notes)
    parsed.primary = any("PREF" in _types(org) for org in card.contents.get("org", []))
    if not fields["name"]:
        parsed.add_error("name", _("The card has no name (FN or N)."))
    return parsed


def _gender(card) -> str:
    lines = card.contents.get("gender") or card.contents.get("x-gender") or []
    value = _text(lines[0].value).strip().upper()[:1] if lines else ""
    return {"M": "male", "F": "female", "男": "male", "女": "female"}.get(value, "")


def parse_vcards(data: bytes) -> list[ParsedCard]:
    """Every card of an uploaded .vcf; raises :class:`VCardFileError` for an unusable file."""
    text = decode_upload(data)
    blocks = split_cards(text)
    if not blocks:
        raise VCardFileError(_("The file holds no vCard (no BEGIN:VCARD line)."))
    if len(blocks) > MAX_VCARD_CARDS:
        raise VCardFileError(
            _("The file holds %(count)d cards; at most %(limit)d can be imported at once.")
            % {"count": len(blocks), "limit": MAX_VCARD_CARDS}
        )
    cards = []
    for number, block in enumerate(blocks, start=1):
        try:
            card = vobject.readOne(block, allowQP=True)
        except Exception:  # vobject raises ParseError and assorted decoding errors
            parsed = ParsedCard(number=number)
            parsed.add_error("card", _("The card cannot be read; it is not valid vCard text."))
            cards.append(parsed)
            continue
        cards.append(card_to_fields(card, number))
    return cards
