"""The one way a service says no: nothing was done, and here is why, field by field.

Services raise these and never speak HTTP; each channel turns them into its
own answer: the form shows the messages beside its fields, the API answers
400 (or 403 for a Forbidden), the import lists them by row.
"""

from __future__ import annotations


class Refused(Exception):
    """Nothing was saved or changed; `errors` maps a field (or '__all__') to messages in the user's language."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    def messages(self) -> list[str]:
        """Every message, field after field, for answers that show them in one list."""
        return [m for messages in self.errors.values() for m in messages]

    @property
    def message(self) -> str:
        """The first message, for answers that carry only one."""
        return next(iter(self.messages()), "")


class Forbidden(Refused):
    """Refused because of who asks, not because of what was sent."""

    def __init__(self, message: str):
        super().__init__({"__all__": [message]})


class NotFound(Refused):
    """What was asked about does not exist, or not for this user (who must not learn which)."""

    def __init__(self, message: str):
        super().__init__({"__all__": [message]})


def http_status(refusal: Refused) -> int:
    """The answer a web page or the API gives for a refusal: 404, 403 or 400."""
    if isinstance(refusal, NotFound):
        return 404
    return 403 if isinstance(refusal, Forbidden) else 400
