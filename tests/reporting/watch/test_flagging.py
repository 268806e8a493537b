"""docs/design.md, rule 3: missed deadlines are flagged once, whenever the job runs."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from reporting.models import ClosedDay, MissedDeadline
from reporting.watch.flagging import FlagDayRefused, consecutive_runs, missed_deadlines_flag
from reporting.watch.flags import flag_rows
from tests.conftest import local, unit
from tests.reporting.flag_support import D1, D2, D3, D4, after_deadline, due_units, flagged_codes, submit
from units.models import Unit


@pytest.mark.django_db
def test_nothing_is_flagged_at_14_59_59(campaign):
    with time_machine.travel(local(2020, 8, 13, 14, 59, 59), tick=False):
        run = missed_deadlines_flag()
    assert run.days == []
    assert MissedDeadline.objects.count() == 0


@pytest.mark.django_db
def test_every_due_unit_without_an_on_time_report_is_flagged_when_the_day_closes(campaign, lan, hoa):
    submit(lan, D1, local(2020, 8, 13, 14, 59, 59))
    submit(hoa, D1, local(2020, 8, 13, 15, 0, 0))  # late: flagged all the same
    with time_machine.travel(local(2020, 8, 13, 15, 2, 0), tick=False):
        run = missed_deadlines_flag()
    due = {u.code for u in due_units()}
    assert run.days == [D1]
    assert flagged_codes(D1) == due - {"31318"}
    assert run.created == {D1: len(due) - 1}
    assert "31333" in flagged_codes(D1)


@pytest.mark.django_db
def test_inactive_units_and_units_without_the_daily_duty_are_not_flagged(campaign):
    Unit.objects.filter(code="31318").update(active=False)
    Unit.objects.filter(code="31333").update(must_report=False)
    missed_deadlines_flag(now=after_deadline(D1))
    flagged = flagged_codes(D1)
    assert "31318" not in flagged and "31333" not in flagged
    assert "93" not in flagged  # the province only carries DIC's official figure
    assert "31340" in flagged


@pytest.mark.django_db
def test_rerunning_creates_nothing_new(campaign):
    first = missed_deadlines_flag(now=after_deadline(D2))
    count = MissedDeadline.objects.count()
    again = missed_deadlines_flag(now=after_deadline(D2, 30))
    assert first.total_created == count > 0
    assert again.total_created == 0 and again.created == {}
    assert MissedDeadline.objects.count() == count


@pytest.mark.django_db
def test_catch_up_flags_the_three_days_the_scheduler_missed(campaign, lan):
    submit(lan, D1, local(2020, 8, 13, 9))
    submit(lan, D3, local(2020, 8, 15, 9))
    missed_deadlines_flag(now=after_deadline(D1, 5))  # the last tick before the scheduler went down
    run = missed_deadlines_flag(now=local(2020, 8, 17, 8, 0))  # back two and a half days later
    n = len(due_units())
    assert run.days == [D2, D3, D4]  # D1 was closed by the last tick
    assert run.created == {D2: n, D3: n - 1, D4: n}
    assert "31318" in flagged_codes(D2) and "31318" not in flagged_codes(D3)
    # Not yet 15:00 on the 17th: that day stays open.
    assert not MissedDeadline.objects.filter(date=D4 + D4.resolution).exists()


@pytest.mark.django_db
def test_the_flag_does_not_depend_on_when_the_job_runs(campaign, lan, hoa):
    submit(lan, D1, local(2020, 8, 13, 10))
    submit(hoa, D1, local(2020, 8, 13, 18))  # late
    missed_deadlines_flag(now=local(2020, 8, 20, 9))
    late_run = flagged_codes(D1)
    MissedDeadline.objects.all().delete()
    ClosedDay.objects.all().delete()  # as if the watch had never run
    missed_deadlines_flag(now=after_deadline(D1))
    assert flagged_codes(D1) == late_run


@pytest.mark.django_db
def test_a_unit_reporting_at_15_01_is_flagged_and_late(campaign, lan):
    missed_deadlines_flag(now=after_deadline(D1))
    report = submit(lan, D1, local(2020, 8, 13, 15, 1), late_reason="Mất điện")
    missed_deadlines_flag(now=after_deadline(D1, 2))
    assert report.on_time is False
    (row,) = flag_rows(campaign=campaign, units=Unit.objects.filter(code="31318"), day=D1)
    assert row.reported_late_at == local(2020, 8, 13, 15, 1)
    assert row.late_reason == "Mất điện"


@pytest.mark.django_db
def test_a_late_report_before_the_first_run_is_still_flagged(campaign, lan):
    submit(lan, D1, local(2020, 8, 13, 15, 0, 0))
    missed_deadlines_flag(now=local(2020, 8, 13, 16))
    assert "31318" in flagged_codes(D1)


@pytest.mark.django_db
def test_a_late_report_does_not_erase_the_flag(campaign, lan):
    missed_deadlines_flag(now=after_deadline(D1))
    submit(lan, D1, local(2020, 8, 13, 17))
    missed_deadlines_flag(now=after_deadline(D2))
    assert "31318" in flagged_codes(D1)


def test_consecutive_runs_restart_after_an_excused_day_and_after_a_gap():
    flags = [(1, D1, False), (1, D2, False), (1, D3, True), (1, D4, False), (2, D1, False), (2, D3, False)]
    runs = consecutive_runs(flags)
    assert [runs[(1, d)] for d in (D1, D2, D3, D4)] == [1, 2, 0, 1]
    assert runs[(2, D1)] == 1 and runs[(2, D3)] == 1


@pytest.mark.django_db
def test_two_consecutive_misses_escalate(campaign, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 2
    missed_deadlines_flag(now=after_deadline(D1))
    assert not MissedDeadline.objects.filter(escalated=True).exists()
    run = missed_deadlines_flag(now=after_deadline(D2))
    escalated = set(MissedDeadline.objects.filter(escalated=True).values_list("unit__code", "date"))
    assert escalated == {(u.code, D2) for u in due_units()}
    assert run.escalated == {D2: len(due_units())}


@pytest.mark.django_db
def test_an_on_time_report_breaks_the_run(campaign, lan, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 2
    submit(lan, D2, local(2020, 8, 14, 9))
    missed_deadlines_flag(now=after_deadline(D3))
    lan_flags = dict(MissedDeadline.objects.filter(unit__code="31318").values_list("date", "escalated"))
    assert lan_flags == {D1: False, D3: False}
    assert MissedDeadline.objects.get(unit__code="31333", date=D3).escalated is True


@pytest.mark.django_db
def test_a_late_report_does_not_break_the_run(campaign, lan, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 2
    submit(lan, D1, local(2020, 8, 13, 16))
    missed_deadlines_flag(now=after_deadline(D2))
    assert MissedDeadline.objects.get(unit__code="31318", date=D2).escalated is True


@pytest.mark.django_db
def test_escalation_waits_for_n_days(campaign, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 3
    missed_deadlines_flag(now=after_deadline(D2))
    assert not MissedDeadline.objects.filter(escalated=True).exists()
    missed_deadlines_flag(now=after_deadline(D3))
    assert set(MissedDeadline.objects.filter(escalated=True).values_list("date", flat=True)) == {D3}


def _shrink_to(n_units: int) -> None:
    keep = [u.pk for u in due_units()[:n_units]]
    Unit.objects.filter(must_report=True).exclude(pk__in=keep).update(must_report=False)


@pytest.mark.django_db
@pytest.mark.parametrize(("n_units", "closed_until"), [(5, D2), (None, D4)])
def test_flagging_uses_a_constant_number_of_queries(campaign, django_assert_num_queries, n_units, closed_until):
    if n_units is None:
        n_units = len(due_units())  # all 114 units, twice the days
    else:
        _shrink_to(n_units)
    campaign.refresh_from_db()
    # Every size: the closed days, the root's path, the INSERT ... RETURNING, the runs read, the
    # escalation UPDATE, the INSERT closing the days, and the savepoint pair of the atomic block.
    # The day locks are one more statement on PostgreSQL (reporting.watch.day_lock), whatever the number of days.
    with django_assert_num_queries(8 + (connection.vendor == "postgresql")):
        run = missed_deadlines_flag(now=after_deadline(closed_until), campaign=campaign)
    assert run.total_created == n_units * len(run.days)
    assert run.total_escalated > 0


@pytest.mark.django_db
def test_a_tick_examines_only_the_days_not_yet_closed(campaign, django_assert_num_queries):
    assert missed_deadlines_flag(now=after_deadline(D2)).days == [D1, D2]
    assert set(ClosedDay.objects.values_list("date", flat=True)) == {D1, D2}
    with django_assert_num_queries(1):  # the closed days, and nothing else
        again = missed_deadlines_flag(now=after_deadline(D2, 30), campaign=campaign)
    assert again.days == [] and again.created == {}
    assert missed_deadlines_flag(now=after_deadline(D3)).days == [D3]


@pytest.mark.django_db
def test_a_unit_due_only_after_the_day_closed_waits_for_a_recheck(campaign):
    """Rule 3 flags the units due when the deadline passed; the command examines closed days again."""
    newcomer = unit("31318")
    newcomer.must_report = False
    newcomer.save()
    missed_deadlines_flag(now=after_deadline(D1))
    newcomer.must_report = True
    newcomer.save()
    assert missed_deadlines_flag(now=after_deadline(D1, 5)).total_created == 0
    assert "31318" not in flagged_codes(D1)
    rechecked = missed_deadlines_flag(now=after_deadline(D1, 10), recheck=True)
    assert rechecked.days == [D1] and rechecked.created == {D1: 1}
    assert "31318" in flagged_codes(D1)


@pytest.mark.django_db
def test_flagging_one_day_only(campaign):
    run = missed_deadlines_flag(now=after_deadline(D3), day=D2)
    assert run.days == [D2]
    assert set(MissedDeadline.objects.values_list("date", flat=True)) == {D2}


@pytest.mark.django_db
def test_flagging_a_day_whose_deadline_has_not_passed_is_refused(campaign):
    with pytest.raises(FlagDayRefused, match="chỉ được chốt từ 15:02:00 14/08/2020"):
        missed_deadlines_flag(now=local(2020, 8, 14, 14, 59, 59), day=D2)
    assert not MissedDeadline.objects.exists()


@pytest.mark.django_db
def test_a_day_is_not_closed_until_the_grace_after_15h_has_passed(campaign):
    # 15:00 + BLUEZONE_CLOSE_GRACE_SECONDS (120 s): reports that reached the portal before 15:00 are written first.
    early = missed_deadlines_flag(now=local(2020, 8, 13, 15, 1, 59))
    assert early.days == [] and not MissedDeadline.objects.exists() and not ClosedDay.objects.exists()
    closing = missed_deadlines_flag(now=local(2020, 8, 13, 15, 2, 0))
    assert closing.days == [D1] and closing.total_created == len(due_units())
    assert ClosedDay.objects.filter(date=D1).exists()


@pytest.mark.django_db
def test_command_flags_every_closed_day(campaign, capsys):
    with time_machine.travel(local(2020, 8, 14, 15, 30), tick=False):
        call_command("flag_missed_reports")
        call_command("flag_missed_reports")
    out = capsys.readouterr().out
    assert set(MissedDeadline.objects.values_list("date", flat=True)) == {D1, D2}
    assert "Tổng: 0 ghi nhận mới trên 2 ngày" in out


@pytest.mark.django_db
def test_command_with_a_date_flags_that_day_only(campaign, capsys):
    with time_machine.travel(local(2020, 8, 16, 9), tick=False):
        call_command("flag_missed_reports", "--date", "2020-08-14")
    assert set(MissedDeadline.objects.values_list("date", flat=True)) == {D2}
    assert "14/08/2020" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(("date", "message"), [
    ("2020-08-16", "Ngày 16/08/2020 chỉ được chốt từ 15:02:00 16/08/2020"),
    ("2020-08-12", "nằm ngoài chiến dịch"),
    ("2020-09-02", "nằm ngoài chiến dịch"),
    ("16/08/2020", "Ngày không hợp lệ"),
])
def test_command_refuses_a_future_or_out_of_campaign_date(campaign, date, message):
    with time_machine.travel(local(2020, 8, 16, 14, 59, 59), tick=False), pytest.raises(CommandError, match=message):
        call_command("flag_missed_reports", "--date", date)
    assert not MissedDeadline.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_create_each_flag_once(campaign):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(missed_deadlines_flag(now=after_deadline(D3)))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    n = len(due_units()) * 3
    assert MissedDeadline.objects.count() == n
    assert sum(r.total_created for r in results) == n
    assert unit("31318").missed_deadlines.count() == 3
