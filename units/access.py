"""Who may read and write which units (docs/design.md, rule 6).

Every channel (form, API, import, export) asks these functions; none
decides access on its own.
"""

from __future__ import annotations

from units.models import Role, Unit, UnitQuerySet, User


def units_readable_by(*, user: User) -> UnitQuerySet:
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.reads_everything:
        return Unit.objects.all()
    if user.role == Role.REPORTER and user.unit_id:
        return Unit.objects.subtree(user.unit)
    return Unit.objects.none()


def user_reads_everything(*, user: User) -> bool:
    """Whether the user may read every unit (then no unit needs asking about)."""
    return user.is_authenticated and user.is_active and user.reads_everything


def unit_readable_by(*, user: User, unit: Unit) -> bool:
    if user_reads_everything(user=user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role == Role.REPORTER and user.unit_id is not None and unit.is_within(user.unit)


def units_writable_by(*, user: User) -> UnitQuerySet:
    """Units whose daily report the user may write.

    Reporters write their unit and its descendants; reviewers write only the
    province's official figure; viewers write nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.role == Role.REPORTER and user.unit_id:
        # The province's figure is DIC's official number, never a unit's.
        return Unit.objects.subtree(user.unit).filter(active=True).exclude(kind="province")
    if user.is_dic:
        return Unit.objects.filter(kind="province", active=True)
    return Unit.objects.none()


def unit_writable_by(*, user: User, unit: Unit) -> bool:
    if not user.is_authenticated or not user.is_active or not unit.active:
        return False
    if user.role == Role.REPORTER and user.unit_id:
        return unit.is_within(user.unit) and not unit.is_province
    if user.is_dic:
        return unit.is_province
    return False
