"""Every page of the reporting app, in one place, grouped by capability (the API has its own: reporting.api.urls).

Unit codes and days in a path go through the converters of units.paths: a
view receives a code some unit could have and a real `datetime.date`.
"""

from django.urls import path

from reporting.excel import views as excel
from reporting.intake import views as intake
from reporting.progress import views as progress
from reporting.questions import views as questions
from reporting.watch import views as watch

urlpatterns = [
    # Intake: a unit's report, its receipt and history, the province's official figure.
    # Fixed paths first: "lich-su" and "bien-nhan" are matched before a unit code.
    path("bao-cao/", intake.report_today, name="report_today"),
    path("bao-cao/lich-su/", intake.report_history, name="report_history"),
    path("bao-cao/bien-nhan/<int:revision_id>/", intake.report_receipt, name="report_receipt"),
    path("bao-cao/<unit_code:code>/", intake.report_unit, name="report_unit"),
    path("so-lieu-chinh-thuc/", intake.official_figure, name="official_figure"),
    # The deadline watch: who has not reported, excuses and late reasons.
    path("chua-bao-cao/", watch.flags_board, name="flags_board"),
    path("chua-bao-cao/<unit_code:code>/<day:day>/mien/", watch.flags_excuse, name="flags_excuse"),
    path("chua-bao-cao/<unit_code:code>/<day:day>/thu-hoi-mien/", watch.flags_excuse_withdraw,
         name="flags_excuse_withdraw"),
    path("chua-bao-cao/<unit_code:code>/<day:day>/ly-do-tre/", watch.flags_late_reason, name="flags_late_reason"),
    # Progress: the dashboards and the public page.
    path("tong-quan/", progress.overview, name="dashboard_overview"),
    path("tong-quan/huyen/<unit_code:code>/", progress.district, name="dashboard_district"),
    path("tong-quan/co-quan/", progress.agencies, name="dashboard_agencies"),
    path("tong-quan/tuan-thu/", progress.compliance_board, name="dashboard_compliance"),
    path("tong-quan/cham-tien-do/", progress.lagging, name="dashboard_lagging"),
    path("cong-khai/", progress.public_progress, name="public_progress"),
    # Excel: the People's Committee workbook and the import of many units' figures.
    path("xuat-excel/", excel.excel_export, name="excel_export"),
    path("nhap-excel/", excel.excel_import, name="excel_import"),
    path("nhap-excel/mau.xlsx", excel.excel_import_template, name="excel_import_template"),
    # Questions about a figure.
    path("cau-hoi/", questions.question_list, name="question_list"),
    path("cau-hoi/hoi/", questions.question_ask, name="question_ask"),
    path("cau-hoi/<int:pk>/", questions.question_detail, name="question_detail"),
    path("cau-hoi/<int:pk>/tra-loi/", questions.question_answer_post, name="question_answer"),
    path("cau-hoi/<int:pk>/dong/", questions.question_close_post, name="question_close"),
]
