"""report_submit, the one write path: rules 2 (timeliness), 5 (validation) and the revision trail."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from reporting.intake.services import ReportForbidden, ReportRefused, report_submit
from reporting.models import Channel, DailyReport, ReportRevision
from tests.conftest import local, unit

AUG20, AUG21, AUG22 = dt.date(2020, 8, 20), dt.date(2020, 8, 21), dt.date(2020, 8, 22)


def submit(user, day, values, *, code=None, channel=Channel.WEB, late_reason=None):
    return report_submit(
        user=user, unit=unit(code) if code else user.unit, day=day, values=values, channel=channel,
        ip_address="10.0.0.7", late_reason=late_reason,
    )


def counts() -> tuple[int, int]:
    return DailyReport.objects.count(), ReportRevision.objects.count()


def refused(user, day, values, *, code=None, channel=Channel.WEB) -> dict[str, list[str]]:
    before = counts()
    with pytest.raises(ReportRefused) as caught:
        submit(user, day, values, code=code, channel=channel)
    assert counts() == before, "nothing may be saved when a report is refused"
    return caught.value.errors


# ------------------------------------------------------------ rule 2: timeliness

def test_first_submission_at_14_59_59_is_on_time(lan):
    with time_machine.travel(local(2020, 8, 20, 14, 59, 59), tick=False):
        saved = submit(lan, AUG20, {"residents_installed": 800})
    assert saved.created is True
    assert saved.report.on_time is True
    assert saved.report.first_submitted_at == local(2020, 8, 20, 14, 59, 59)


def test_first_submission_at_15_00_00_is_late(lan):
    with time_machine.travel(local(2020, 8, 20, 15, 0, 0), tick=False):
        saved = submit(lan, AUG20, {"residents_installed": 800}, late_reason="Mất điện buổi sáng")
    assert saved.report.on_time is False
    assert saved.report.late_reason == "Mất điện buổi sáng"


def test_a_correction_after_15h_keeps_the_report_on_time(lan):
    with time_machine.travel(local(2020, 8, 20, 14, 30), tick=False):
        submit(lan, AUG20, {"residents_installed": 800})
    with time_machine.travel(local(2020, 8, 20, 17, 45), tick=False):
        saved = submit(lan, AUG20, {"residents_installed": 850})
    report = DailyReport.objects.get(pk=saved.report.pk)
    assert saved.created is False
    assert report.on_time is True
    assert report.first_submitted_at == local(2020, 8, 20, 14, 30)
    assert report.updated_at == local(2020, 8, 20, 17, 45)
    assert report.residents_installed == 850


def test_a_late_report_stays_late_whatever_is_corrected(lan):
    with time_machine.travel(local(2020, 8, 20, 15, 0, 0), tick=False):
        submit(lan, AUG20, {"residents_installed": 800})
    with time_machine.travel(local(2020, 8, 20, 15, 5), tick=False):
        saved = submit(lan, AUG20, {"residents_installed": 801})
    assert saved.report.on_time is False


def test_23_30_utc_is_already_tomorrow_so_tomorrow_is_allowed_and_the_day_after_refused(lan):
    at = dt.datetime(2020, 8, 20, 23, 30, tzinfo=dt.UTC)  # 21/08 06:30 in Hau Giang
    with time_machine.travel(at, tick=False):
        saved = submit(lan, AUG21, {"residents_installed": 900})
        assert saved.report.date == AUG21 and saved.report.on_time is True
        errors = refused(lan, AUG22, {"residents_installed": 950})
    assert list(errors) == ["date"]
    assert "22/08/2020" in errors["date"][0] and "chưa đến" in errors["date"][0]


def test_a_date_after_the_campaign_is_refused(lan):
    with time_machine.travel(local(2020, 9, 5, 9, 0), tick=False):
        errors = refused(lan, dt.date(2020, 8, 31), {"residents_installed": 900})
    assert "nằm ngoài thời gian chiến dịch" in errors["date"][0]
    assert "13/08/2020" in errors["date"][0] and "30/08/2020" in errors["date"][0]


def test_a_date_before_the_campaign_is_refused(lan):
    with time_machine.travel(local(2020, 8, 20, 9, 0), tick=False):
        errors = refused(lan, dt.date(2020, 8, 12), {"residents_installed": 900})
    assert "nằm ngoài thời gian chiến dịch" in errors["date"][0]


def test_after_the_campaign_its_days_can_still_be_reported_late(lan):
    with time_machine.travel(local(2020, 9, 5, 9, 0), tick=False):
        saved = submit(lan, dt.date(2020, 8, 29), {"residents_installed": 900})
    assert saved.report.on_time is False


# ------------------------------------------------------------ rule 5: validation

RESIDENTS = "Số người dân đã cài đặt"


@pytest.fixture
def at_noon():
    with time_machine.travel(local(2020, 8, 20, 12, 0), tick=False):
        yield


@pytest.mark.parametrize("value", [-1, -500, "-3"])
def test_a_negative_count_is_refused_naming_the_field(lan, at_noon, value):
    errors = refused(lan, AUG20, {"residents_installed": value})
    assert errors == {"residents_installed": [f"{RESIDENTS}: không được là số âm."]}


@pytest.mark.parametrize("value", ["12a", "1.000", True, [1], {"n": 1}, "١٢", "7\x00"])
def test_an_api_count_that_is_not_a_json_integer_is_refused_naming_the_field(lan, at_noon, value):
    # The API keeps strict numbers: "1.000" is not read the Vietnamese way there.
    errors = refused(lan, AUG20, {"residents_installed": value}, channel=Channel.API)
    assert errors == {"residents_installed": [f"{RESIDENTS}: phải là số nguyên không âm."]}


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.API, Channel.IMPORT])
def test_a_decimal_count_is_refused_as_not_whole_on_every_channel(lan, at_noon, channel):
    errors = refused(lan, AUG20, {"residents_installed": 3.5}, channel=channel)
    assert errors["residents_installed"][0].startswith(f"{RESIDENTS}: “3.5” không phải số nguyên.")
    assert "1.450" in errors["residents_installed"][0]


@pytest.mark.parametrize("value", ["12a", "١٢", "7\x00", True, [1]])
def test_a_typed_count_that_is_not_a_number_says_how_to_write_one(lan, at_noon, value):
    errors = refused(lan, AUG20, {"residents_installed": value})
    assert len(errors["residents_installed"]) == 1
    assert "1.450" in errors["residents_installed"][0] or "số nguyên không âm" in errors["residents_installed"][0]


@pytest.mark.parametrize("typed", ["1.450", "1 450", "1\u00a0450", "1\u202f450", "1450"])
@pytest.mark.parametrize("channel", [Channel.WEB, Channel.IMPORT])
def test_a_count_typed_the_vietnamese_way_is_saved_as_a_number(lan, at_noon, typed, channel):
    assert submit(lan, AUG20, {"residents_installed": typed}, channel=channel).report.residents_installed == 1450


@pytest.mark.parametrize("typed", ["1,5", "1.5", "1.45"])
def test_a_typed_decimal_is_refused_with_how_to_write_a_whole_number(lan, at_noon, typed):
    errors = refused(lan, AUG20, {"residents_installed": typed})
    assert errors == {"residents_installed": [
        f"{RESIDENTS}: “{typed}” không phải số nguyên. Số liệu là số người nên phải là số nguyên, ví dụ 1450 "
        "hoặc 1.450 (dấu chấm hay dấu cách ngăn cách hàng nghìn, không có phần thập phân)."]}


def test_a_count_above_the_population_is_refused_with_both_numbers(lan, at_noon):
    # Phường I has 5,628 inhabitants.
    errors = refused(lan, AUG20, {"residents_installed": 5629})
    assert errors == {"residents_installed": [f"{RESIDENTS}: 5.629 vượt quá dân số 5.628 của Phường I."]}


def test_a_count_equal_to_the_population_is_accepted(lan, at_noon):
    assert submit(lan, AUG20, {"residents_installed": 5628}).report.residents_installed == 5628


def test_a_huge_count_is_refused_by_the_nearest_known_bound(lan, at_noon):
    # Phường I has no staff total, nor has Vị Thanh or the province: its own population bounds its staff.
    errors = refused(lan, AUG20, {"staff_installed": 10**40})
    assert errors == {"staff_installed": [
        "Số cán bộ đã cài đặt: 10.000.000.000.000.000.000.000.000.000.000.000.000.000 vượt quá dân số 5.628 "
        "của Phường I."]}


def test_residents_typed_for_a_district_are_refused(minh, at_noon):
    errors = refused(minh, AUG20, {"residents_installed": 5000, "staff_installed": 10}, code="930")
    assert list(errors) == ["residents_installed"]
    assert errors["residents_installed"][0].startswith(f"{RESIDENTS}: không nhập cho Thành phố Vị Thanh")


def test_residents_typed_for_an_agency_are_refused(dung, at_noon):
    errors = refused(dung, AUG20, {"residents_installed": 50})
    assert list(errors) == ["residents_installed"]
    assert "cơ quan, đơn vị không báo cáo số người dân" in errors["residents_installed"][0]


def test_agency_staff_above_its_staff_total_is_refused(dung, at_noon):
    errors = refused(dung, AUG20, {"staff_installed": 301, "family_installed": 800})
    assert list(errors) == ["staff_installed"]
    assert errors["staff_installed"] == ["Số cán bộ đã cài đặt: 301 vượt quá tổng số cán bộ 300 của Sở Y tế."]


def test_every_bad_field_is_named_at_once(lan, at_noon):
    errors = refused(lan, AUG20, {"residents_installed": -1, "staff_installed": "x", "note": "a" * 2001})
    assert set(errors) == {"residents_installed", "staff_installed", "note"}


@pytest.mark.parametrize("note", ["a\x00b", "a\ud800b"])
def test_a_note_with_characters_the_database_cannot_store_is_refused(lan, at_noon, note):
    errors = refused(lan, AUG20, {"residents_installed": 5, "note": note})
    assert errors == {"note": ["Ghi chú chứa ký tự không hợp lệ."]}


def test_an_empty_report_is_refused(lan, at_noon):
    errors = refused(lan, AUG20, {"note": "chưa có số liệu"})
    assert errors == {"__all__": ["Cần nhập ít nhất một số liệu."]}


def test_a_refused_correction_leaves_the_stored_report_untouched(lan, at_noon):
    submit(lan, AUG20, {"residents_installed": 800})
    refused(lan, AUG20, {"residents_installed": -1})
    report = DailyReport.objects.get(unit__code="31318", date=AUG20)
    assert report.residents_installed == 800 and report.revision_count == 1


def test_a_count_lower_than_the_previous_report_is_saved_with_a_warning(lan):
    with time_machine.travel(local(2020, 8, 20, 10, 0), tick=False):
        submit(lan, AUG20, {"residents_installed": 1000})
    with time_machine.travel(local(2020, 8, 21, 10, 0), tick=False):
        saved = submit(lan, AUG21, {"residents_installed": 900})
    report = DailyReport.objects.get(pk=saved.report.pk)
    assert report.residents_installed == 900
    assert [w["field"] for w in report.warnings] == ["residents_installed"]
    warning = report.warnings[0]
    assert warning == {"field": "residents_installed", "code": "decreased", "previous": 1000,
                       "previous_date": "2020-08-20", "value": 900}
    assert saved.revision.warnings == report.warnings


def test_a_decrease_behind_a_blank_count_is_still_a_decrease(lan):
    """Rule 1 carries a blank forward: 1.000 on the 19th, blank on the 20th, 800 on the 21st went down."""
    for day, values in ((dt.date(2020, 8, 19), {"residents_installed": 1000, "staff_installed": 5}),
                        (AUG20, {"staff_installed": 8}),
                        (AUG21, {"residents_installed": 800, "staff_installed": 9})):
        with time_machine.travel(local(day.year, day.month, day.day, 10, 0), tick=False):
            saved = submit(lan, day, values)
    assert saved.revision.warnings == [{"field": "residents_installed", "code": "decreased", "previous": 1000,
                                        "previous_date": "2020-08-19", "value": 800}]


def test_a_rise_behind_a_blank_count_is_no_warning(lan):
    for day, values in ((dt.date(2020, 8, 19), {"residents_installed": 1000}),
                        (AUG20, {"staff_installed": 8}),
                        (AUG21, {"residents_installed": 1200})):
        with time_machine.travel(local(day.year, day.month, day.day, 10, 0), tick=False):
            saved = submit(lan, day, values)
    assert saved.revision.warnings == []


def test_a_writer_outside_the_unit_is_forbidden_and_nothing_saved(hoa, at_noon):
    before = counts()
    with pytest.raises(ReportForbidden) as caught:
        submit(hoa, AUG20, {"residents_installed": 10}, code="31318")
    assert isinstance(caught.value, ReportForbidden)
    assert counts() == before


# ------------------------------------------------------------ the revision trail

def test_every_save_keeps_a_revision_with_author_channel_and_old_to_new(lan, minh):
    with time_machine.travel(local(2020, 8, 20, 9, 0), tick=False):
        submit(lan, AUG20, {"residents_installed": 800, "note": "sáng"})
    with time_machine.travel(local(2020, 8, 20, 16, 0), tick=False):
        submit(minh, AUG20, {"residents_installed": 820, "note": "huyện sửa"}, code="31318", channel=Channel.API)

    first, second = ReportRevision.objects.filter(unit__code="31318", date=AUG20).order_by("number")
    assert (first.number, first.author, first.channel, first.previous) == (1, lan, "web", None)
    assert first.created_at == local(2020, 8, 20, 9, 0) and first.ip_address == "10.0.0.7"
    assert (first.residents_installed, first.note) == (800, "sáng")
    assert (second.number, second.author, second.channel) == (2, minh, "api")
    assert second.previous["residents_installed"] == 800 and second.previous["note"] == "sáng"
    assert (second.residents_installed, second.note) == (820, "huyện sửa")
    report = DailyReport.objects.get(unit__code="31318", date=AUG20)
    assert report.revision_count == 2 and report.updated_by == minh and report.first_submitted_by == lan
    assert report.channel == "api"


def test_the_same_values_twice_only_add_a_revision(lan, at_noon):
    first = submit(lan, AUG20, {"residents_installed": 800})
    second = submit(lan, AUG20, {"residents_installed": 800})
    assert (first.created, second.created) == (True, False)
    assert DailyReport.objects.count() == 1
    assert list(ReportRevision.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert second.revision.previous["residents_installed"] == 800


@pytest.mark.django_db
def test_late_reason_with_a_nul_byte_is_refused_on_every_channel(lan):
    with time_machine.travel(local(2020, 8, 20, 16, 0), tick=False):
        with pytest.raises(ReportRefused) as refused:
            report_submit(user=lan, unit=unit("31318"), day=local(2020, 8, 20).date(),
                          values={"residents_installed": 10}, late_reason="mất điện\x00")
    assert "late_reason" in refused.value.errors
    assert not DailyReport.objects.exists()
