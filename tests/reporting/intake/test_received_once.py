"""A typed report is received once, however often it is sent: its submission key (issue 16, the phone form).

The phone sends a report again when its signal returns, a lost answer leaves it not knowing, a clerk taps twice:
the second arrival of the same key from the same user writes nothing and is answered with the first revision. A key
sent with another unit, day or figures is refused; another user's copy of a key is their own report. Both save paths
(the one-statement PostgreSQL function and the ORM path) behave the same, and two copies racing on PostgreSQL leave
one revision.
"""

from __future__ import annotations

import re
import threading
import time
import uuid

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from reporting.intake.services import ReportRefused, report_submit
from reporting.intake.store import report_save_function_enabled
from reporting.models import DailyReport, ReportRevision
from tests.conftest import local, unit
from tests.reporting.flag_support import D1

BEFORE = local(2020, 8, 13, 14, 58)
AFTER = local(2020, 8, 13, 15, 5)
PATHS = [True, False]
PATH_IDS = ["save-function", "orm-path"]


@pytest.fixture(params=PATHS, ids=PATH_IDS)
def one_statement(request):
    with override_settings(BLUEZONE_REPORT_SAVE_FUNCTION=request.param):
        yield request.param


def _send(user, key, *, code: str | None = None, values: dict | None = None, day=D1, now=BEFORE):
    return report_submit(user=user, unit=unit(code) if code else user.unit, day=day,
                         values=values or {"residents_installed": "1.450", "note": "Tổ công tác"}, now=now,
                         submission_key=key)


@pytest.mark.django_db
def test_the_same_key_sent_twice_is_one_revision_answered_twice(lan, one_statement):
    key = uuid.uuid4()
    first = _send(lan, key)
    again = _send(lan, key)
    assert (first.created, first.repeated) == (True, False)
    assert (again.created, again.repeated) == (False, True)
    assert again.revision.pk == first.revision.pk and again.report.pk == first.report.pk
    assert again.revision.residents_installed == 1450
    assert ReportRevision.objects.count() == 1
    assert ReportRevision.objects.get().submission_key == key
    assert DailyReport.objects.get().revision_count == 1


@pytest.mark.django_db
def test_a_copy_arriving_after_the_deadline_keeps_the_first_arrivals_verdict(lan, one_statement):
    """Rule 2: the report reached the portal at 14:58; the copy at 15:05 changes nothing, its timeliness least."""
    key = uuid.uuid4()
    _send(lan, key, now=BEFORE)
    again = _send(lan, key, now=AFTER)
    assert again.repeated and again.report.on_time is True
    assert again.revision.created_at == BEFORE
    report = DailyReport.objects.get()
    assert (report.on_time, report.first_submitted_at, report.revision_count) == (True, BEFORE, 1)


@pytest.mark.django_db
def test_a_new_key_is_a_new_report_even_with_the_same_figures(lan, one_statement):
    _send(lan, uuid.uuid4())
    second = _send(lan, uuid.uuid4())
    assert not second.repeated and second.revision.number == 2
    assert ReportRevision.objects.count() == 2


@pytest.mark.django_db
def test_no_key_is_never_a_repeat(lan, one_statement):
    _send(lan, None)
    assert _send(lan, None).revision.number == 2


@pytest.mark.django_db
def test_another_users_copy_of_a_key_is_their_own_report(lan, minh, one_statement):
    key = uuid.uuid4()
    mine = _send(lan, key)
    theirs = _send(minh, key, code="31318", values={"residents_installed": "1500"})
    assert not theirs.repeated and theirs.revision.pk != mine.revision.pk
    assert theirs.revision.author == minh and theirs.revision.number == 2
    assert DailyReport.objects.get().residents_installed == 1500


@pytest.mark.django_db
@pytest.mark.parametrize("change", [
    {"code": "31333"},
    {"values": {"residents_installed": "1451", "note": "Tổ công tác"}},
    {"values": {"residents_installed": "1.450", "note": "Đã sửa"}},
    {"day": D1.replace(day=14), "now": local(2020, 8, 14, 9)},
], ids=["another-unit", "another-count", "another-note", "another-day"])
def test_a_key_sent_with_another_report_is_refused_and_writes_nothing(minh, one_statement, change):
    key = uuid.uuid4()
    _send(minh, key, code="31318")
    with pytest.raises(ReportRefused) as refused:
        _send(minh, key, **({"code": "31318"} | change))
    assert "trùng mã" in refused.value.errors["__all__"][0]
    assert ReportRevision.objects.count() == 1
    assert DailyReport.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_revision_with_the_authors_key(lan):
    key = uuid.uuid4()
    revision = _send(lan, key).revision
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRevision.objects.create(
            report=revision.report, unit=revision.unit, date=revision.date, number=2, created_at=AFTER,
            author=lan, channel="web", submission_key=key)


@pytest.mark.django_db
def test_a_repeat_inside_a_callers_transaction_leaves_it_usable(lan, one_statement):
    key = uuid.uuid4()
    with transaction.atomic():
        _send(lan, key)
        assert _send(lan, key).repeated
        assert ReportRevision.objects.count() == 1  # the transaction is still alive


@pytest.mark.postgres
@pytest.mark.django_db
def test_both_save_paths_answer_a_sequence_of_keys_alike(lan, minh):
    """The same sends through each path: the same answers (saved, repeated, refused) and the same rows."""
    keys = [uuid.uuid4() for _ in range(3)]
    steps = [
        (lan, keys[0], None, None), (lan, keys[0], None, None), (minh, keys[0], "31318", None),
        (minh, keys[1], "31333", None), (minh, keys[1], "31333", None), (minh, keys[1], "31318", None),
        (lan, keys[2], None, {"residents_installed": "900"}), (lan, keys[2], None, {"residents_installed": "901"}),
        (lan, keys[0], None, None),
    ]

    def run(function: bool) -> tuple[list, list]:
        answers = []
        with override_settings(BLUEZONE_REPORT_SAVE_FUNCTION=function), transaction.atomic():
            assert report_save_function_enabled() is function
            for user, key, code, values in steps:
                try:
                    saved = _send(user, key, code=code, values=values)
                except ReportRefused as refusal:
                    answers.append(("refused", refusal.errors))
                else:
                    answers.append(("saved", saved.repeated, saved.created, saved.revision.number,
                                    saved.revision.unit_id, saved.revision.author_id))
            rows = list(ReportRevision.objects.order_by("unit_id", "number").values_list(
                "unit_id", "number", "author_id", "submission_key", "residents_installed"))
            transaction.set_rollback(True)
        return answers, rows

    by_function, by_orm = run(True), run(False)
    assert by_function == by_orm
    answers, rows = by_orm
    assert [a[0] for a in answers] == ["saved", "saved", "saved", "saved", "saved", "refused", "saved", "refused",
                                       "saved"]
    assert [a[1] for a in answers if a[0] == "saved"] == [False, True, False, False, True, False, True]
    assert len(rows) == 4


class Sender(threading.Thread):
    """One copy of a report, on its own database connection, sent when the barrier opens."""

    def __init__(self, user, key, barrier, *, code: str | None = None, hold: threading.Event | None = None):
        super().__init__(daemon=True)
        self.user, self.key, self.barrier, self.code, self.hold = user, key, barrier, code, hold
        self.saved = None
        self.refused: ReportRefused | None = None
        self.errors: list[Exception] = []
        self.written = threading.Event()

    def run(self):
        try:
            self.barrier.wait(timeout=30)
            with transaction.atomic():
                try:
                    self.saved = _send(self.user, self.key, code=self.code)
                except ReportRefused as refused:
                    self.refused = refused
                self.written.set()
                if self.hold is not None:
                    assert self.hold.wait(timeout=30)
        except Exception as exc:  # surfaced by the test
            self.errors.append(exc)
        finally:
            self.written.set()
            connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_copies_racing_leave_one_revision(lan, one_statement):
    key = uuid.uuid4()
    with time_machine.travel(BEFORE, tick=True):
        barrier = threading.Barrier(2)
        senders = [Sender(lan, key, barrier) for _ in range(2)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
    assert [s.errors for s in senders] == [[], []]
    assert sorted(s.saved.repeated for s in senders) == [False, True]
    assert len({s.saved.revision.pk for s in senders}) == 1
    assert ReportRevision.objects.count() == 1 and DailyReport.objects.get().revision_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_racing_on_two_units_is_refused_for_the_second_by_the_database(minh, one_statement):
    """Two units' locks do not serialise the sends: the unique index does, and the second is refused."""
    key = uuid.uuid4()
    hold = threading.Event()
    with time_machine.travel(BEFORE, tick=True):
        first = Sender(minh, key, threading.Barrier(1), code="31318", hold=hold)
        first.start()
        assert first.written.wait(timeout=30) and first.saved is not None
        second = Sender(minh, key, threading.Barrier(1), code="31333")
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second insert waits for the first transaction's key"
        hold.set()
        first.join(timeout=30)
        second.join(timeout=30)
    assert first.errors == [] and second.errors == []
    assert second.saved is None and "trùng mã" in second.refused.errors["__all__"][0]
    assert list(ReportRevision.objects.values_list("unit__code", flat=True)) == ["31318"]
    assert not DailyReport.objects.filter(unit__code="31333").exists()


# --- through the form ------------------------------------------------------------------------------------------------


FORM_TIME = local(2020, 8, 20, 14, 59, 30)


@pytest.fixture
def at_form_time():
    with time_machine.travel(FORM_TIME, tick=False):
        yield


def _form_post(client: Client, key: str, **values):
    data = {"date": "2020-08-20", "submission_key": key, "residents_installed": "1.200", "note": "", **values}
    return client.post(reverse("report_today"), data)


@pytest.mark.django_db
def test_the_form_offers_a_new_key_each_time_it_is_drawn(lan, at_form_time):
    client = Client()
    client.force_login(lan)
    keys = []
    for _ in range(2):
        html = client.get(reverse("report_today")).content.decode()
        match = re.search(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"', html)
        assert match, "no key in the form"
        keys.append(uuid.UUID(match.group(1)))
    assert keys[0] != keys[1]


@pytest.mark.django_db
def test_a_form_posted_twice_is_one_revision_and_the_second_answer_says_so(lan, at_form_time):
    client = Client()
    client.force_login(lan)
    key = str(uuid.uuid4())
    first = _form_post(client, key)
    client.get(first["Location"])  # the receipt reads the first message
    again = _form_post(client, key)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    receipt = client.get(again["Location"]).content.decode()
    assert "Báo cáo này đã được máy chủ ghi nhận lúc 14:59:30 20/08/2020; lần gửi lại không ghi thêm gì." in receipt
    assert f'data-received-key="{key}"' in receipt
    assert ReportRevision.objects.count() == 1
    assert DailyReport.objects.get().on_time is True


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "không-phải-mã", "x" * 5000, "{" + "0" * 70 + "}"])
def test_a_missing_or_broken_key_only_loses_the_repeat_check(lan, key, at_form_time):
    client = Client()
    client.force_login(lan)
    assert _form_post(client, key).status_code == 302
    assert _form_post(client, key).status_code == 302
    assert list(ReportRevision.objects.values_list("submission_key", flat=True)) == [None, None]


@pytest.mark.django_db
def test_only_the_author_is_told_the_key_of_a_receipt(lan, minh, at_form_time):
    client = Client()
    client.force_login(lan)
    key = str(uuid.uuid4())
    receipt = _form_post(client, key)["Location"]
    other = Client()
    other.force_login(minh)
    html = other.get(receipt).content.decode()
    assert "Biên nhận báo cáo" in html and "data-received-key" not in html
