"""The names of the system's writers, as the audit history shows them.

A job or recalculation that writes a business record stores a neutral name as the history
entry's reason (``"system:customers.recall_notice"``), not text in whatever language was
active when it ran; the history page shows the registered label in the reader's language.
Apps register their writers' names at import time (next to the service that writes).
"""

from typing import Any

SYSTEM_PREFIX = "system:"

_LABELS: dict[str, Any] = {}


def system_reason(name: str, label: Any) -> str:
    """Register the writer ``name`` with its (lazily translated) ``label``; the stored reason."""
    reason = f"{SYSTEM_PREFIX}{name}"
    _LABELS[reason] = label
    return reason


def reason_label(reason: str) -> str:
    """How a stored reason reads: a system writer's label, any other reason as stored."""
    label = _LABELS.get(reason)
    return str(label) if label is not None else reason
