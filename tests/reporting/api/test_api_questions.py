"""/api/v1/questions/: a reviewer asks, the unit corrects or confirms, the reviewer closes; scoped; hostile input."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine

from reporting.intake.services import report_submit
from reporting.models import DailyReport, Notification, Question, QuestionMessage
from reporting.questions.notices import question_notices_send
from tests.conftest import local
from tests.reporting.api_support import client_for
from tests.reporting.excel_support import QUALITY, export, rows, token_client, workbook
from tests.reporting.watch.test_celery_worker import dead_broker  # noqa: F401 - the fixture: Redis down

pytestmark = pytest.mark.django_db

URL = "/api/v1/questions/"
D = dt.date(2020, 8, 20)
NOW = local(2020, 8, 20, 16, 0)


@pytest.fixture
def jump(hau_giang, lan):
    """Phường I reported 1.200 on the 19th and 4.800 on the 20th: a jump warning."""
    report_submit(user=lan, unit=lan.unit, day=D - dt.timedelta(days=1), values={"residents_installed": 1200},
                  now=local(2020, 8, 19, 9))
    report_submit(user=lan, unit=lan.unit, day=D, values={"residents_installed": 4800}, now=local(2020, 8, 20, 9))
    return DailyReport.objects.get(unit=lan.unit, date=D)


def _ask(user, **body):
    with time_machine.travel(NOW, tick=False):
        return client_for(user).post(URL, {"unit": "31318", "date": "2020-08-20", **body}, format="json")


def _post(user, path: str, body, fmt: str = "json"):
    with time_machine.travel(NOW, tick=False):
        return client_for(user).post(path, body, format=fmt)


def test_reviewer_asks_about_a_jump_and_the_question_is_open(jump, thao):
    response = _ask(thao, warning="jump:residents_installed", text="Từ 1.200 lên 4.800 — xin kiểm tra lại")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["unit"] == "31318" and body["date"] == "2020-08-20"
    assert "1.200 → 4.800" in body["warning"]
    assert [m["kind"] for m in body["messages"]] == ["question"]
    assert body["messages"][0]["text"] == "Từ 1.200 lên 4.800 — xin kiểm tra lại"


def test_the_warning_alone_is_a_question(jump, thao):
    assert _ask(thao, warning="jump").status_code == 201


def test_a_question_needs_a_text_or_a_warning(jump, thao):
    response = _ask(thao)
    assert response.status_code == 400 and "Câu hỏi" in response.json()["text"][0]
    assert Question.objects.count() == 0


def test_a_warning_the_report_does_not_have_is_refused(jump, thao):
    response = _ask(thao, warning="decreased")
    assert response.status_code == 400 and "warning" in response.json()
    assert _ask(thao, warning="khong-co").status_code == 400


def test_unit_corrects_the_figure_and_the_report_keeps_the_answer(jump, thao, lan):
    question = _ask(thao, text="Xin kiểm tra").json()
    response = _post(lan, f"{URL}{question['id']}/answer/", {"values": {"residents_installed": 1980},
                                                          "text": "Gõ nhầm một số 0"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "answered" and body["answered_at"]
    answer = body["messages"][-1]
    assert answer["kind"] == "corrected" and answer["revision"] == 2 and answer["text"] == "Gõ nhầm một số 0"
    report = DailyReport.objects.get(pk=jump.pk)
    assert report.residents_installed == 1980 and report.revision_count == 2
    assert report.revisions.get(number=2).channel == "api"


def test_unit_confirms_with_a_reason(jump, thao, lan):
    question = _ask(thao, text="Xin kiểm tra").json()
    refused = _post(lan, f"{URL}{question['id']}/answer/", {})
    assert refused.status_code == 400 and "Trả lời" in refused.json()["text"][0]
    response = _post(lan, f"{URL}{question['id']}/answer/", {"text": "Đúng: cả phường cài trong ngày hội"})
    assert response.status_code == 200 and response.json()["messages"][-1]["kind"] == "confirmed"
    assert DailyReport.objects.get(pk=jump.pk).revision_count == 1  # nothing re-saved


def test_a_refused_correction_saves_nothing_and_names_the_field(jump, thao, lan):
    question = _ask(thao, text="Xin kiểm tra").json()
    response = _post(lan, f"{URL}{question['id']}/answer/", {"values": {"residents_installed": 10_000_000}})
    assert response.status_code == 400
    assert "vượt quá dân số 5.628 của Phường I" in response.json()["values"]["residents_installed"][0]
    assert QuestionMessage.objects.count() == 1 and Question.objects.get().status == "open"
    assert DailyReport.objects.get(pk=jump.pk).revision_count == 1


def test_reviewer_closes_and_nothing_more_can_be_said(jump, thao, lan):
    question = _ask(thao, text="Xin kiểm tra").json()
    _post(lan, f"{URL}{question['id']}/answer/", {"text": "Số đúng"})
    closed = _post(thao, f"{URL}{question['id']}/close/", {"text": "Đã rõ"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_by"] == "thao"
    assert [m["kind"] for m in closed.json()["messages"]] == ["question", "confirmed", "closed"]
    assert _post(thao, f"{URL}{question['id']}/close/", {}).status_code == 400
    assert _post(lan, f"{URL}{question['id']}/answer/", {"text": "Thêm"}).status_code == 400


def test_list_is_scoped_and_filtered(jump, thao, lan, minh, tuan, quang):
    question = _ask(thao, text="Xin kiểm tra").json()
    assert [q["id"] for q in client_for(lan).get(URL).json()] == [question["id"]]
    assert [q["id"] for q in client_for(minh).get(URL).json()] == [question["id"]]  # its district
    assert [q["id"] for q in client_for(quang).get(URL).json()] == [question["id"]]  # PPC reads everything
    assert client_for(tuan).get(URL).json() == []  # another district
    assert client_for(thao).get(URL, {"status": "closed"}).json() == []
    assert len(client_for(thao).get(URL, {"status": "open", "unit": "31318", "date": "2020-08-20"}).json()) == 1
    assert client_for(thao).get(URL, {"status": "mo"}).status_code == 400
    assert client_for(thao).get(URL, {"date": "20/08/2020"}).status_code == 400
    assert client_for(None).get(URL).status_code == 401


def test_only_reviewers_ask_and_close_only_the_unit_answers(jump, thao, lan, minh, tuan, quang):
    assert _ask(lan, text="?").status_code == 403
    assert _ask(quang, text="?").status_code == 403
    assert _ask(tuan, text="?").status_code == 404  # another district's unit: not even there
    question = _ask(thao, text="Xin kiểm tra").json()
    answer = f"{URL}{question['id']}/answer/"
    assert _post(tuan, answer, {"text": "x"}).status_code == 404
    assert _post(quang, answer, {"text": "x"}).status_code == 403
    assert _post(thao, answer, {"text": "x"}).status_code == 403
    assert _post(minh, answer, {"text": "Huyện xác nhận thay phường"}).status_code == 200  # the district may
    assert _post(lan, f"{URL}{question['id']}/close/", {}).status_code == 403
    assert _post(tuan, f"{URL}{question['id']}/close/", {}).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"text": "a\x00b"}, "text"),
    ({"text": "x" * 2001}, "text"),
    ({"text": ["a"]}, "text"),
    ({"text": {"a": 1}}, "text"),
    ({"values": {"residents_installed": "abc"}}, "values"),
    ({"values": {"residents_installed": -1}}, "values"),
    ({"values": {"residents_installed": 1.5}}, "values"),
    ({"values": {"residents_installed": 10**30}}, "values"),
    ({"values": "1200"}, "values"),
])
def test_hostile_answers_are_refused_by_field(jump, thao, lan, body, field):
    question = _ask(thao, text="Xin kiểm tra").json()
    response = _post(lan, f"{URL}{question['id']}/answer/", body)
    assert response.status_code == 400 and field in response.json()
    assert QuestionMessage.objects.count() == 1


@pytest.mark.parametrize("body, field", [
    ({"text": "a\x00b"}, "text"),
    ({"text": "x" * 2001}, "text"),
    ({"text": {"a": 1}}, "text"),
    ({"date": "2020-13-45", "text": "?"}, "date"),
    ({"date": "2021-08-20", "text": "?"}, "date"),
    ({"unit": "x" * 500, "text": "?"}, "unit"),
    ({"warning": "jump\x00", "text": "?"}, "warning"),
])
def test_hostile_questions_are_refused_by_field(jump, thao, body, field):
    response = _ask(thao, **body)
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Question.objects.count() == 0


def test_odd_ids_and_bodies_are_404_or_400_never_500(jump, thao, lan):
    assert _post(lan, f"{URL}99999999999999999999/answer/", {"text": "x"}).status_code == 404
    assert _post(lan, f"{URL}0/answer/", {"text": "x"}).status_code == 404
    assert _post(lan, f"{URL}abc/answer/", {"text": "x"}).status_code == 404
    question = _ask(thao, text="Xin kiểm tra").json()
    with time_machine.travel(NOW, tick=False):
        raw = client_for(lan).post(f"{URL}{question['id']}/answer/", data=b"{not json",
                                   content_type="application/json")
    assert raw.status_code == 400


def test_the_units_reporters_get_an_email_and_the_asker_gets_the_answer(jump, thao, lan, minh, mailoutbox):
    lan.email, minh.email, thao.email = "lan@phuong1.vn", "minh@vithanh.vn", "thao@stttt.vn"
    for user in (lan, minh, thao):
        user.save()
    question = _ask(thao, text="Từ 1.200 lên 4.800 — xin kiểm tra").json()
    assert question_notices_send(question_id=question["id"], kind="question") == 2
    assert {tuple(m.to) for m in mailoutbox} == {("lan@phuong1.vn",), ("minh@vithanh.vn",)}
    assert "hỏi về số liệu ngày 20/08/2020" in mailoutbox[0].subject
    assert "xin kiểm tra" in mailoutbox[0].body
    assert question_notices_send(question_id=question["id"], kind="question") == 0  # once
    _post(lan, f"{URL}{question['id']}/answer/", {"text": "Số đúng"})
    assert question_notices_send(question_id=question["id"], kind="answer") == 1
    assert mailoutbox[-1].to == ["thao@stttt.vn"] and "đã trả lời" in mailoutbox[-1].subject
    assert Notification.objects.filter(kind="question").count() == 2


@pytest.mark.usefixtures("dead_broker")
def test_asking_never_waits_for_the_broker(jump, thao, django_capture_on_commit_callbacks, caplog):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(thao, text="Xin kiểm tra")
    assert response.status_code == 201 and Question.objects.count() == 1
    assert time.monotonic() - started < 3.5
    assert "broker unavailable" in caplog.text


def test_the_workbook_quality_sheet_lists_open_questions(jump, thao, lan):
    open_one = _ask(thao, text="Xin kiểm tra phường I").json()
    closed = _ask(thao, text="Câu hỏi đã xong").json()
    _post(thao, f"{URL}{closed['id']}/close/", {})
    with time_machine.travel(local(2020, 8, 20, 17), tick=False):
        response = export(token_client(thao), date="2020-08-20", as_at="now")
    sheet = workbook(response)[QUALITY]
    texts = [" ".join(str(v) for v in row if v is not None) for row in rows(sheet)]
    asked = [t for t in texts if "Câu hỏi chưa đóng" in t]
    assert len(asked) == 1 and "Xin kiểm tra phường I" in asked[0] and "Phường I" in asked[0]
    assert open_one["status"] == "open"


def test_the_schema_documents_the_four_operations(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = {op["operationId"] for path, item in schema["paths"].items() if path.startswith(URL)
                  for op in item.values()}
    assert operations == {"questions_list", "questions_create", "questions_answer", "questions_close"}
