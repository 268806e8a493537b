"""Reviewers excuse flagged days; units explain late reports."""

from __future__ import annotations

import pytest

from reporting.intake.services import ReportForbidden, ReportRefused
from reporting.models import DailyReport, MissedDeadline, ReportRevision
from reporting.watch.compliance import EXCUSED, LATE, compliance_for_day
from reporting.watch.excuses import ExcuseForbidden, ExcuseRefused, missed_deadline_excuse, report_late_reason_add
from reporting.watch.flagging import missed_deadlines_flag
from tests.conftest import local
from tests.reporting.flag_support import D1, D2, D3, after_deadline, submit
from units.models import Role
from units.services import user_create


def flag(code: str, day) -> MissedDeadline:
    return MissedDeadline.objects.get(unit__code=code, date=day)


@pytest.mark.django_db
def test_a_reviewer_excuses_a_flagged_day_with_a_reason(campaign, thao):
    missed_deadlines_flag(now=after_deadline(D1))
    excused = missed_deadline_excuse(user=thao, flag=flag("31318", D1), reason="  Mất điện toàn phường  ",
                                     now=local(2020, 8, 13, 16))
    assert excused.excused is True
    assert excused.excuse_reason == "Mất điện toàn phường"
    assert excused.excused_by == thao and excused.excused_at == local(2020, 8, 13, 16)
    assert MissedDeadline.objects.filter(unit__code="31318", date=D1).count() == 1  # the flag stays


@pytest.mark.django_db
def test_an_administrator_may_excuse_too(campaign):
    admin, _, _ = user_create(username="quantri", role=Role.ADMIN, password="Mat-khau-2020")
    missed_deadlines_flag(now=after_deadline(D1))
    assert missed_deadline_excuse(user=admin, flag=flag("31318", D1), reason="Sự cố hệ thống").excused


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["lan", "minh", "quang"])
def test_reporters_and_viewers_cannot_excuse(campaign, request, who):
    missed_deadlines_flag(now=after_deadline(D1))
    with pytest.raises(ExcuseRefused) as refused:
        missed_deadline_excuse(user=request.getfixturevalue(who), flag=flag("31318", D1), reason="Xin miễn")
    assert isinstance(refused.value, ExcuseForbidden)
    assert not flag("31318", D1).excused


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_excuse_needs_a_reason(campaign, thao, reason):
    missed_deadlines_flag(now=after_deadline(D1))
    with pytest.raises(ExcuseRefused) as refused:
        missed_deadline_excuse(user=thao, flag=flag("31318", D1), reason=reason)
    assert refused.value.errors == {"reason": ["Lý do miễn: bắt buộc nhập."]}
    assert not flag("31318", D1).excused


@pytest.mark.django_db
def test_an_excused_day_counts_as_excused_even_with_a_late_report(campaign, thao, lan, hoa):
    missed_deadlines_flag(now=after_deadline(D1))
    submit(lan, D1, local(2020, 8, 13, 17))
    submit(hoa, D1, local(2020, 8, 13, 17))
    at = local(2020, 8, 13, 18)
    missed_deadline_excuse(user=thao, flag=flag("31318", D1), reason="Đường truyền hỏng", now=at)
    missed_deadline_excuse(user=thao, flag=flag("31340", D1), reason="Bão", now=at)
    day = compliance_for_day(campaign=campaign, day=D1, now=local(2020, 8, 14, 9))
    assert set(day.codes[EXCUSED]) == {"31318", "31340"}
    assert day.codes[LATE] == ["31333"]
    assert day.counts[EXCUSED] == 2


@pytest.mark.django_db
def test_an_excused_day_breaks_the_run_of_misses(campaign, thao, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 2
    missed_deadlines_flag(now=after_deadline(D1))
    missed_deadline_excuse(user=thao, flag=flag("31318", D1), reason="Bão")
    missed_deadlines_flag(now=after_deadline(D2))
    assert flag("31318", D2).escalated is False
    assert flag("31333", D2).escalated is True
    missed_deadlines_flag(now=after_deadline(D3))
    assert flag("31318", D3).escalated is True  # two misses in a row again after the excused day


@pytest.mark.django_db
def test_a_unit_gives_the_reason_for_its_late_report(campaign, lan):
    submit(lan, D1, local(2020, 8, 13, 16))
    saved = report_late_reason_add(user=lan, unit=lan.unit, day=D1, reason="Mất kết nối mạng",
                                   now=local(2020, 8, 13, 17))
    report = DailyReport.objects.get(unit=lan.unit, date=D1)
    assert report.late_reason == "Mất kết nối mạng"
    assert report.on_time is False and report.residents_installed == 100  # nothing else moved
    assert saved.revision.number == 2 and saved.revision.author == lan
    assert ReportRevision.objects.filter(report=report).count() == 2


@pytest.mark.django_db
def test_a_late_reason_is_refused_for_an_on_time_or_missing_report(campaign, lan):
    submit(lan, D1, local(2020, 8, 13, 9))
    with pytest.raises(ReportRefused, match="đã nộp đúng hạn"):
        report_late_reason_add(user=lan, unit=lan.unit, day=D1, reason="x", now=local(2020, 8, 13, 16))
    with pytest.raises(ReportRefused, match="chưa có báo cáo ngày 14/08/2020"):
        report_late_reason_add(user=lan, unit=lan.unit, day=D2, reason="x", now=local(2020, 8, 14, 16))
    with pytest.raises(ReportRefused) as refused:
        report_late_reason_add(user=lan, unit=lan.unit, day=D1, reason=" ", now=local(2020, 8, 13, 16))
    assert refused.value.errors == {"late_reason": ["Lý do báo cáo trễ: bắt buộc nhập."]}


@pytest.mark.django_db
def test_a_late_reason_for_another_unit_is_forbidden(campaign, lan, hoa):
    submit(hoa, D1, local(2020, 8, 13, 16))
    with pytest.raises(ReportForbidden):
        report_late_reason_add(user=lan, unit=hoa.unit, day=D1, reason="x", now=local(2020, 8, 13, 17))
    assert DailyReport.objects.get(unit=hoa.unit, date=D1).late_reason == ""
