from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    CITY = "city", _("Thành phố")
    TOWN = "town", _("Thị xã")
    DISTRICT = "district", _("Huyện")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    COMMUNE = "commune", _("Xã")
    AGENCY = "agency", _("Cơ quan, đơn vị")


# Residents are typed only for these (territorial leaves); every other
# territory's residents figure is computed from its leaves.
LEAF_KINDS = (UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.COMMUNE)
DISTRICT_KINDS = (UnitKind.CITY, UnitKind.TOWN, UnitKind.DISTRICT)
TERRITORIAL_KINDS = (UnitKind.PROVINCE, *DISTRICT_KINDS, *LEAF_KINDS)


class AgencyGroup(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    MASS_ORGANISATION = "mass_organisation", _("Đoàn thể")
    PRESS = "press", _("Báo, đài")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and all its descendants, in one indexed prefix lookup."""
        return self.filter(path__startswith=unit.path)

    def leaves(self) -> UnitQuerySet:
        return self.filter(kind__in=LEAF_KINDS)

    def districts(self) -> UnitQuerySet:
        return self.filter(kind__in=DISTRICT_KINDS)

    def agencies(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.AGENCY)


class Unit(models.Model):
    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path of codes ("93/930/31318/") so that a subtree is one
    # prefix query; kept in step with `parent` by save().
    path = models.CharField(max_length=255, db_index=True, editable=False)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    must_report = models.BooleanField(_("phải báo cáo hằng ngày"), default=True)
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    population_source = models.TextField(_("nguồn số liệu dân số"), blank=True)
    population_estimated = models.BooleanField(_("dân số ước tính"), default=False)
    staff_total = models.PositiveIntegerField(_("tổng số cán bộ, công chức, viên chức, người lao động"), null=True, blank=True)
    family_total = models.PositiveIntegerField(_("tổng số thành viên gia đình"), null=True, blank=True)
    group = models.CharField(_("nhóm"), max_length=30, choices=AgencyGroup.choices, blank=True)
    named_in_dispatch = models.CharField(_("nêu trong công văn"), max_length=60, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("các đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="unit_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def is_leaf_territory(self) -> bool:
        return self.kind in LEAF_KINDS

    @property
    def is_district(self) -> bool:
        return self.kind in DISTRICT_KINDS

    @property
    def is_province(self) -> bool:
        return self.kind == UnitKind.PROVINCE

    @property
    def is_agency(self) -> bool:
        return self.kind == UnitKind.AGENCY

    @property
    def residents_typed(self) -> bool:
        """Leaves type residents; the province types only DIC's official figure."""
        return self.is_leaf_territory or self.is_province

    @property
    def population_missing(self) -> bool:
        return self.kind in TERRITORIAL_KINDS and self.population is None

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class Campaign(models.Model):
    name = models.CharField(_("tên"), max_length=200)
    root = models.ForeignKey(Unit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="campaigns")
    start_date = models.DateField(_("ngày bắt đầu"))
    target_date = models.DateField(_("ngày đạt mục tiêu"))
    population_target_rate = models.DecimalField(
        _("mục tiêu tỷ lệ dân số"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    staff_target_rate = models.DecimalField(
        _("mục tiêu tỷ lệ cán bộ và gia đình"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    deadline = models.TimeField(_("hạn báo cáo hằng ngày"))
    time_zone = models.CharField(_("múi giờ"), max_length=64, default="Asia/Ho_Chi_Minh")
    baseline_date = models.DateField(_("ngày số liệu ban đầu"))
    baseline_installed = models.PositiveIntegerField(_("số cài đặt ban đầu"))
    baseline_population = models.PositiveIntegerField(_("dân số tại thời điểm ban đầu"))
    dispatch = models.CharField(_("văn bản chỉ đạo"), max_length=200, blank=True)
    # Rule 5: a day's increase above this share of the bounding denominator is saved with a warning.
    jump_threshold = models.DecimalField(
        _("ngưỡng tăng đột biến trong ngày"), max_digits=5, decimal_places=4, default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Báo cáo tăng hơn tỷ lệ này của dân số (hoặc tổng số cán bộ, người thân) so với báo cáo trước "
                    "vẫn được lưu nhưng kèm cảnh báo để kiểm tra."),
    )

    class Meta:
        verbose_name = _("chiến dịch")
        verbose_name_plural = _("các chiến dịch")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(target_date__gte=models.F("start_date")), name="campaign_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.target_date

    def days(self) -> list[dt.date]:
        n = (self.target_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(n)]


class Role(models.TextChoices):
    REPORTER = "reporter", _("Cán bộ báo cáo của đơn vị")
    REVIEWER = "reviewer", _("Cán bộ Sở TT&TT (tổng hợp)")
    VIEWER = "viewer", _("Lãnh đạo UBND tỉnh (xem)")
    ADMIN = "admin", _("Quản trị hệ thống")


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("các tài khoản")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(unit__isnull=False), name="reporter_has_unit",
            ),
        ]

    @property
    def is_reporter(self) -> bool:
        return self.role == Role.REPORTER

    @property
    def is_dic(self) -> bool:
        """DIC's staff (and administrators): the official figure, excuses, everyone's history in full."""
        return self.role in (Role.REVIEWER, Role.ADMIN) or self.is_superuser

    @property
    def reads_everything(self) -> bool:
        return self.is_dic or self.role == Role.VIEWER
