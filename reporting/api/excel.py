"""Excel API: the daily report workbook, the import template, and the bulk import.

The work is in reporting.excel (export, template, import); this module maps
HTTP to it. Access comes from units.access through reporting.excel.data and
reporting.intake.services.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, renderer_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from reporting.excel.export import XLSX_MIME
from reporting.excel.http import Refusal, export_response, import_upload, request_too_large, template_response


class XlsxRenderer(BaseRenderer):
    """Lets clients ask for the workbook by its media type; errors still go out as JSON."""

    media_type = XLSX_MIME
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False, default=str).encode()


class ExportQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text=gettext_lazy("Ngày báo cáo, YYYY-MM-DD, trong thời gian chiến dịch; "
                                 "mặc định hôm nay (hoặc ngày cuối chiến dịch khi chiến dịch đã kết thúc)."))
    as_at = serializers.ChoiceField(
        choices=["deadline", "now"], required=False, default="deadline",
        help_text=gettext_lazy("`deadline` (mặc định): số liệu như lúc 15:00 của ngày đó, tái lập được về sau; báo cáo và sửa "
        "đổi sau 15:00 được liệt kê ở trang riêng. `now`: mọi số liệu đã nhận đến nay."),
    )
    lang = serializers.ChoiceField(
        choices=["vi", "en"], required=False, default="vi",
        help_text=gettext_lazy("`vi` (mặc định): bản chính thức tiếng Việt, dù giao diện của người tải là ngôn ngữ nào. "
        "`en`: bản tiếng Anh, chỉ khi yêu cầu rõ."),
    )


class TemplateQuerySerializer(serializers.Serializer):
    parent = serializers.CharField(required=False, help_text=gettext_lazy("Mã đơn vị cấp trên; mặc định đơn vị của tài khoản "
                                   "(toàn tỉnh với Sở TT&TT)."))
    date = serializers.DateField(required=False, help_text=gettext_lazy("Ngày báo cáo điền sẵn trong mẫu, YYYY-MM-DD."))


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("Tệp .xlsx theo mẫu (tối đa 2 MB, 2.000 dòng số liệu)."))
    date = serializers.DateField(required=False, help_text=gettext_lazy("Ngày báo cáo nếu tệp chưa ghi ngày."))


class ImportErrorItemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Số dòng trong bảng tính (như Excel hiển thị)."))
    column = serializers.CharField(allow_null=True, help_text=gettext_lazy("Cột (A, B, …)."))
    field = serializers.CharField(allow_null=True, help_text=gettext_lazy("Trường: unit, date, file, residents_installed, …"))
    message = serializers.CharField(help_text=gettext_lazy("Lý do, theo ngôn ngữ của người gọi (Accept-Language)."))


class ImportErrorsSerializer(serializers.Serializer):
    errors = ImportErrorItemSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    date = serializers.DateField()
    saved = serializers.IntegerField(help_text=gettext_lazy("Số báo cáo đã lưu (tạo mới + cập nhật)."))
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text=gettext_lazy("Dòng giống hệt báo cáo đã có: không lưu lại."))
    warnings = ImportErrorItemSerializer(many=True, help_text=gettext_lazy("Cảnh báo (ví dụ số liệu giảm so với báo cáo trước)."))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


_401 = OpenApiResponse(DetailSerializer, description=gettext_lazy("Chưa xác thực (thiếu hoặc sai token)."))
_XLSX = OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("Tệp Excel (.xlsx)."))
# DRF answers 404 to a `?format=` that no renderer of the view has.
_UNKNOWN_FORMAT = OpenApiResponse(DetailSerializer, description=gettext_lazy("`format` không phải json hoặc xlsx."))


def _refused(refusal: Refusal) -> Response:
    return Response(refusal.body, status=refusal.status)


@extend_schema(
    operation_id="export_daily_xlsx",
    summary=gettext_lazy("Báo cáo Excel hằng ngày gửi UBND tỉnh"),
    description=(
        gettext_lazy("Sổ làm việc theo thể thức báo cáo: tổng hợp, huyện, xã (theo huyện, có dòng cộng), cơ quan, đơn vị chưa "
        "báo cáo hoặc trễ hạn, diễn biến theo ngày, và báo cáo/sửa đổi sau 15:00. Cùng số liệu với "
        "`/api/v1/progress/` cho cùng ngày và cùng `as_at`. Sở TT&TT và lãnh đạo UBND tỉnh nhận toàn tỉnh; cán bộ "
        "đơn vị nhận đơn vị mình và các đơn vị trực thuộc.")
    ),
    parameters=[ExportQuerySerializer],
    responses={(200, XLSX_MIME): _XLSX, 400: OpenApiResponse(description=gettext_lazy("`date`, `as_at` hoặc `lang` không hợp lệ.")),
               401: _401, 403: DetailSerializer, 404: _UNKNOWN_FORMAT},
    tags=["excel"],
)
@api_view(["GET"])
@renderer_classes([JSONRenderer, XlsxRenderer])
def export_daily_xlsx(request):
    answer = export_response(user=request.user, params=request.query_params)
    return _refused(answer) if isinstance(answer, Refusal) else answer


@extend_schema(
    operation_id="import_template_xlsx",
    summary=gettext_lazy("Mẫu Excel để nhập số liệu nhiều đơn vị"),
    description=gettext_lazy("Liệt kê các đơn vị người gọi được nhập thuộc `parent`, kèm số liệu gần nhất."),
    parameters=[TemplateQuerySerializer],
    responses={(200, XLSX_MIME): _XLSX, 400: OpenApiResponse(description=gettext_lazy("`date` hoặc `parent` không hợp lệ.")),
               401: _401, 403: DetailSerializer, 404: _UNKNOWN_FORMAT},
    tags=["excel"],
)
@api_view(["GET"])
@renderer_classes([JSONRenderer, XlsxRenderer])
def import_template_xlsx(request):
    answer = template_response(user=request.user, params=request.query_params)
    return _refused(answer) if isinstance(answer, Refusal) else answer


@extend_schema(
    operation_id="import_create",
    summary=gettext_lazy("Nhập số liệu từ tệp Excel"),
    description=(
        gettext_lazy("Kiểm tra mọi dòng theo cùng quy tắc với biểu mẫu; chỉ lưu khi không có lỗi nào (tất cả hoặc không). "
        "Chỉ nhận tệp .xlsx (kiểm tra theo nội dung), tối đa 2 MB và 2.000 dòng; công thức lấy giá trị đã tính.")
    ),
    request={"multipart/form-data": ImportInputSerializer},
    responses={201: ImportResultSerializer,
               400: OpenApiResponse(ImportErrorsSerializer, description=gettext_lazy("Lỗi theo dòng và cột; không lưu gì.")),
               401: _401,
               403: OpenApiResponse(ImportErrorsSerializer, description=gettext_lazy("Có dòng của đơn vị bạn không được nhập."))},
    tags=["excel"],
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
def import_create(request):
    # Refused from the declared length, before the body is read or spooled.
    if refusal := request_too_large(request.META.get("CONTENT_LENGTH")):
        return _refused(refusal)
    code, body = import_upload(request=request, upload=request.FILES.get("file"), raw_date=request.data.get("date"))
    if code == 201:
        return Response(ImportResultSerializer(body).data, status=status.HTTP_201_CREATED)
    return Response(body, status=code)
