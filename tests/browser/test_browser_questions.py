"""A question round trip in Chromium: DIC asks beside a jump warning, the commune corrects, DIC closes."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.intake.services import report_submit
from reporting.models import DailyReport, Question
from reporting.watch.heartbeat import heartbeat_record
from tests.browser.conftest import DESKTOP, PHONE, publish_screenshot
from tests.conftest import local
from tests.reporting.watch.test_celery_worker import dead_broker  # noqa: F401 - the fixture: Redis down

pytestmark = pytest.mark.browser

D = dt.date(2020, 8, 20)


# Redis down for the whole round trip: the e-mails cannot be queued (tests/reporting/api/test_api_questions.py sends
# them), and nothing a person does may wait on that; it also leaves no connection behind for the next test.
@pytest.mark.usefixtures("dead_broker")
def test_reviewer_asks_commune_corrects_reviewer_closes_and_history_shows_it(visit, hau_giang, thao, lan):
    report_submit(user=lan, unit=lan.unit, day=D - dt.timedelta(days=1), values={"residents_installed": 1200},
                  now=local(2020, 8, 19, 9))
    saved = report_submit(user=lan, unit=lan.unit, day=D, values={"residents_installed": 4800},
                          now=local(2020, 8, 20, 9))

    dic = visit(DESKTOP)
    dic.login("thao")
    dic.goto(f"/bao-cao/bien-nhan/{saved.revision.pk}/")
    with dic.page.expect_navigation():
        dic.page.locator(".warning form.ask-unit button").first.click()  # one click beside the warning
    assert "/cau-hoi/" in dic.page.url
    question = Question.objects.get()
    assert question.status == "open" and question.warning["code"] == "jump"

    clerk = visit(PHONE)
    clerk.login("lan")
    banner = clerk.page.locator("#open-questions")
    assert banner.is_visible() and "1 câu hỏi" in banner.inner_text()
    with clerk.page.expect_navigation():
        banner.locator("a").first.click()
    clerk.page.fill("#id_residents_installed", "1.980")
    clerk.page.fill("#id_answer_text", "Gõ nhầm, số đúng là 1.980")
    with clerk.page.expect_navigation():
        clerk.page.get_by_role("button", name="Gửi trả lời").click()
    assert clerk.page.locator('[data-kind="corrected"]').is_visible()
    assert DailyReport.objects.get(unit=lan.unit, date=D).residents_installed == 1980
    assert clerk.fits_width()
    clerk.screenshot("question_answered_phone")

    dic.goto(f"/cau-hoi/{question.pk}/")
    dic.page.fill("#id_close_text", "Đã rõ, cảm ơn")
    with dic.page.expect_navigation():
        dic.page.get_by_role("button", name="Đóng câu hỏi").click()
    assert dic.page.locator('[data-question-status="closed"]').count() == 1
    heartbeat_record(result={})  # for the picture: the deadline watch is alive, as in a running portal
    dic.page.reload()
    publish_screenshot(dic.page, "question-thread")
    dic.goto(f"/bao-cao/lich-su/?don_vi=31318&ngay={D.isoformat()}")
    thread = dic.page.locator(f'[data-question="{question.pk}"]').first
    kinds = thread.locator("[data-kind]").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == ["question", "corrected", "closed"]
    assert dic.errors == [] and clerk.errors == []
    dic.screenshot("question_history_desktop")
