"""Every write on the company profile 公司信息: its texts and its two images (logo, seal).

An image upload is refused unless it is a PNG, JPEG or WebP file (by its first bytes, not its
name), at most ``MAX_IMAGE_BYTES`` and no larger than ``MAX_IMAGE_PIXELS`` when decoded — the
PDF renderer decodes it, so a decompression bomb must never reach it. The stored name is made
from the kind and the file's hash.
"""

import hashlib
from collections.abc import Mapping
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from guanxi.core.exceptions import ConflictError
from guanxi.core.models import CompanyProfile
from guanxi.core.models.company import SINGLETON_ID
from guanxi.core.rules import CHANGE_COMPANY_PROFILE, require
from guanxi.core.services.records import Actor, record_create, record_update

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
COMPANY_TEXT_FIELDS = (
    "name",
    "address",
    "phone",
    "email",
    "tax_id",
    "bank_name",
    "bank_account",
    "default_terms",
)
COMPANY_IMAGE_FIELDS = ("logo", "seal")
# First bytes → the extension the stored file gets (what the PDF renderer reads it as).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
_PIL_FORMATS = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}


def _image_kind(head: bytes) -> str | None:
    for signature, extension in _SIGNATURES:
        if head.startswith(signature):
            return extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def company_image_check(upload: UploadedFile, *, field: str) -> tuple[bytes, str]:
    """The bytes and extension of an acceptable image; ``ValidationError`` on ``field``."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: _("The image is empty.")})
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {field: _("The image is larger than %(size)d MB.") % {"size": MAX_IMAGE_BYTES >> 20}}
        )
    upload.seek(0)
    data = upload.read(MAX_IMAGE_BYTES + 1)
    extension = _image_kind(data[:16])
    if extension is None:
        raise ValidationError({field: _("Upload a PNG, JPEG or WebP image.")})
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != _PIL_FORMATS[extension]:
                raise ValidationError({field: _("Upload a PNG, JPEG or WebP image.")})
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    {field: _("The image is too large: at most 4000 × 4000 pixels.")}
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as bad:
        raise ValidationError({field: _("The image cannot be read.")}) from bad
    return data, extension


def company_profile_update(
    *,
    actor: Actor,
    expected_version: int | None,
    fields: Mapping[str, Any],
    images: Mapping[str, UploadedFile | None] | None = None,
    clear: tuple[str, ...] = (),
) -> CompanyProfile:
    """Save the profile's texts, replace (``images``) or remove (``clear``) its images.

    Administrators only. Every image is checked before anything is written; the first save
    creates the row. ``expected_version`` is the version the form read (0 before the first
    save); someone else's save in between is a conflict.
    """
    require(actor, CHANGE_COMPANY_PROFILE)
    unknown = set(fields) - set(COMPANY_TEXT_FIELDS)
    unknown |= (set(images or {}) | set(clear)) - set(COMPANY_IMAGE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    checked = {
        name: company_image_check(upload, field=name)
        for name, upload in (images or {}).items()
        if upload is not None
    }
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            profile = _profile_save(
                actor=actor,
                expected_version=expected_version,
                fields=fields,
                checked=checked,
                clear=clear,
                stored_names=stored_names,
            )
    except (ConflictError, ValidationError, IntegrityError) as refused:
        # Nothing was saved: the images stored for this attempt go too.
        storage = CompanyProfile._meta.get_field("logo").storage  # type: ignore[attr-defined]
        for name in stored_names:
            storage.delete(name)
        if isinstance(refused, IntegrityError):
            # Another administrator created the profile at the same moment.
            raise ConflictError(current_version=1) from refused
        raise
    return profile


def _profile_save(
    *,
    actor: Actor,
    expected_version: int | None,
    fields: Mapping[str, Any],
    checked: Mapping[str, tuple[bytes, str]],
    clear: tuple[str, ...],
    stored_names: list[str],
) -> CompanyProfile:
    profile = CompanyProfile.objects.select_for_update().filter(pk=SINGLETON_ID).first()
    is_new = profile is None
    if profile is None:
        if expected_version:
            raise ConflictError(current_version=0)
        profile = CompanyProfile(pk=SINGLETON_ID)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    for name in clear:
        setattr(profile, name, "")
    for name, (data, extension) in checked.items():
        digest = hashlib.sha256(data).hexdigest()[:16]
        stored = getattr(profile, name)
        stored.save(f"{name}-{digest}.{extension}", ContentFile(data), save=False)
        stored_names.append(stored.name)
    if is_new:
        return record_create(instance=profile, actor=actor)
    return record_update(instance=profile, actor=actor, expected_version=expected_version)
