"""Optimistic locking over HTTP: ``ETag: "<version>"`` out, ``If-Match`` or ``version`` in.

PUT/PATCH must carry one of the two (else 428): an API client cannot silently overwrite a
change it never saw. DELETE may carry If-Match. The ETag is strong and is the bare version.
"""

from guanxi.core.api.errors import PreconditionFailed


def etag(instance) -> str:
    return f'"{instance.version}"'


def _tags(header: str) -> list[str]:
    tags = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"'))
    return tags


def check_if_match(request, instance) -> bool:
    """Raise 412 when If-Match names another version; return whether If-Match was sent."""
    header = request.headers.get("If-Match")
    if header is None:
        return False
    tags = _tags(header)
    if "*" not in tags and str(instance.version) not in tags:
        raise PreconditionFailed()
    return True
