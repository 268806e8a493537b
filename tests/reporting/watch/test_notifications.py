"""Deadline-watch e-mails: the right people, once, never stale."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from reporting.models import Notification
from reporting.tasks import deadline_tick
from reporting.watch.flagging import missed_deadlines_flag
from reporting.watch.notifications import notifications_send_due, reminders_send
from tests.conftest import local
from tests.reporting.flag_support import D1, D2, D3, D4, after_deadline, submit
from units.models import Unit, User


def with_email(*users: User) -> None:
    for user in users:
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])


def sent_to(kind_subject: str | None = None) -> list[str]:
    return sorted(
        addr for m in mail.outbox for addr in m.to if kind_subject is None or kind_subject in m.subject
    )


@pytest.fixture
def mailed(lan, hoa, minh, tuan, thao, quang):
    with_email(lan, hoa, minh, tuan, thao, quang)
    return {"lan": lan, "hoa": hoa, "minh": minh, "tuan": tuan, "thao": thao, "quang": quang}


@pytest.mark.django_db
def test_no_reminder_before_the_reminder_time(campaign, mailed):
    run = notifications_send_due(now=local(2020, 8, 14, 13, 59, 59))
    assert run.sent == {}
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminders_at_14_00_skip_units_that_reported(campaign, mailed):
    submit(mailed["lan"], D2, local(2020, 8, 14, 9))
    run = notifications_send_due(now=local(2020, 8, 14, 14, 0, 0))
    assert sent_to() == ["hoa@example.invalid", "minh@example.invalid", "tuan@example.invalid"]
    assert run.sent == {Notification.Kind.REMINDER: 3}
    message = next(m for m in mail.outbox if m.to == ["hoa@example.invalid"])
    assert "Nhắc báo cáo ngày 14/08/2020 trước 15:00" in message.subject
    assert "Xã Vị Tân" in message.body and "chưa gửi báo cáo" in message.body
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_reviewers_viewers_and_users_without_e_mail_get_no_reminder(campaign, mailed, dung):
    notifications_send_due(now=local(2020, 8, 14, 14, 30))
    assert "thao@example.invalid" not in sent_to()
    assert "quang@example.invalid" not in sent_to()
    assert len(mail.outbox) == 4  # lan, hoa, minh, tuan; dung has no address


@pytest.mark.django_db
def test_the_reminder_time_is_a_setting(campaign, mailed, settings):
    settings.BLUEZONE_REMINDER_TIME = "13:30"
    assert notifications_send_due(now=local(2020, 8, 14, 13, 29, 59)).sent == {}
    assert notifications_send_due(now=local(2020, 8, 14, 13, 30)).sent == {Notification.Kind.REMINDER: 4}


@pytest.mark.django_db
def test_reminders_are_sent_once_even_if_the_job_runs_twice(campaign, mailed):
    notifications_send_due(now=local(2020, 8, 14, 14, 0))
    first = len(mail.outbox)
    run = notifications_send_due(now=local(2020, 8, 14, 14, 1))
    assert len(mail.outbox) == first == 4
    assert run.sent == {Notification.Kind.REMINDER: 0}
    assert Notification.objects.filter(kind="reminder", sent_at__isnull=False).count() == 4


@pytest.mark.django_db
def test_no_reminder_once_the_deadline_has_passed(campaign, mailed):
    assert reminders_send(campaign=campaign, day=D2, now=local(2020, 8, 14, 15, 0, 0)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_after_the_deadline_flagged_units_summary_and_nothing_twice(campaign, mailed):
    submit(mailed["lan"], D1, local(2020, 8, 13, 9))
    submit(mailed["hoa"], D1, local(2020, 8, 13, 15, 0, 10))  # late: flagged all the same
    with time_machine.travel(local(2020, 8, 13, 15, 5), tick=False):
        deadline_tick()
    missed = sent_to("chưa báo cáo đúng hạn")
    assert missed == ["hoa@example.invalid", "minh@example.invalid", "tuan@example.invalid"]
    (summary,) = [m for m in mail.outbox if "Tổng hợp" in m.subject]
    assert summary.to == ["thao@example.invalid"]
    assert "Đúng hạn: 1/114" in summary.body
    assert "Trễ hạn: 1" in summary.body
    assert "Chưa báo cáo: 112" in summary.body
    assert "Đơn vị báo cáo trễ:\n- Xã Vị Tân (31333)" in summary.body
    outbox = len(mail.outbox)
    with time_machine.travel(local(2020, 8, 13, 15, 1, 30), tick=False):
        deadline_tick()
        deadline_tick()
    assert len(mail.outbox) == outbox


@pytest.mark.django_db
def test_escalation_tells_the_parent_district_users(campaign, mailed, settings):
    settings.BLUEZONE_ESCALATION_DAYS = 2
    submit(mailed["minh"], D1, local(2020, 8, 13, 9))
    submit(mailed["minh"], D2, local(2020, 8, 14, 9))
    submit(mailed["tuan"], D2, local(2020, 8, 14, 9))
    missed_deadlines_flag(now=after_deadline(D1))
    mail.outbox.clear()
    missed_deadlines_flag(now=after_deadline(D2))
    notifications_send_due(now=after_deadline(D2, 1))
    (escalation,) = [m for m in mail.outbox if "liên tiếp" in m.subject]
    # Minh (district 930) gets one e-mail listing its communes that missed both days.
    assert escalation.to == ["minh@example.invalid"]
    assert "đơn vị thuộc Thành phố Vị Thanh trễ hạn báo cáo nhiều ngày liên tiếp" in escalation.subject
    assert "Phường I (mã 31318): 2 ngày liên tiếp" in escalation.body
    assert "Xã Vị Tân (mã 31333)" in escalation.body
    assert "Thành phố Vị Thanh (mã 930)" not in escalation.body  # the district reported itself
    assert "Phường Ngã Bảy" not in escalation.body  # another district, and it reported on the 14th
    rows = Notification.objects.filter(kind="escalation", recipient=mailed["minh"])
    assert rows.filter(unit__code="31318").exists() and rows.filter(unit__code="31333").exists()
    assert not Notification.objects.filter(kind="escalation", unit__code="31340").exists()
    summary = next(m for m in mail.outbox if "Tổng hợp" in m.subject)
    assert "đã báo cấp trên" in summary.body and "Phường I (31318): 2 ngày" in summary.body


@pytest.mark.django_db
def test_catching_up_days_long_past_sends_nothing_stale(campaign, mailed):
    with time_machine.travel(local(2020, 8, 16, 9, 0), tick=False):
        deadline_tick()  # the scheduler comes back on the morning of the 16th
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    with time_machine.travel(local(2020, 8, 16, 15, 0, 5), tick=False):
        deadline_tick()
    assert set(Notification.objects.values_list("date", flat=True)) == {D4}
    assert {D1, D2, D3} & set(Notification.objects.values_list("date", flat=True)) == set()


@pytest.mark.django_db
def test_nothing_is_sent_outside_the_campaign(campaign, mailed):
    run = notifications_send_due(now=local(2020, 9, 2, 15, 30))
    assert run.day is None and mail.outbox == []


@pytest.mark.django_db
def test_html_e_mail_escapes_user_controlled_names(campaign, mailed):
    Unit.objects.filter(code="31333").update(name='<script>alert("x")</script> & Co')
    notifications_send_due(now=local(2020, 8, 14, 14, 0))
    message = next(m for m in mail.outbox if m.to == ["hoa@example.invalid"])
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert '<script>alert("x")</script> & Co' in message.body  # plain text is not HTML-escaped


@pytest.mark.django_db
def test_a_failed_send_is_retried_by_the_next_run(campaign, mailed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens
    run = notifications_send_due(now=local(2020, 8, 14, 14, 0))
    assert run.sent == {Notification.Kind.REMINDER: 0}
    assert Notification.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications_send_due(now=local(2020, 8, 14, 14, 1))
    assert len(mail.outbox) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_e_mail_once(campaign, mailed):
    missed_deadlines_flag(now=after_deadline(D3))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            notifications_send_due(now=after_deadline(D3, 1))
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
    single = sorted(m.to[0] for m in mail.outbox if "liên tiếp" not in m.subject)
    # One missed notice per flagged unit's user, one summary for the reviewer.
    assert single == ["hoa@example.invalid", "lan@example.invalid", "minh@example.invalid",
                      "thao@example.invalid", "tuan@example.invalid"]
    # Minh's digest of repeat offenders may be split between the two runs, but names each commune once.
    escalation_bodies = "".join(m.body for m in mail.outbox if "liên tiếp" in m.subject)
    communes = Unit.objects.filter(parent__code="930", must_report=True, active=True)
    assert communes.count() == 9
    for commune in communes:
        assert escalation_bodies.count(f"(mã {commune.code})") == 1
    assert Notification.objects.filter(kind="escalation").count() == 9
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
