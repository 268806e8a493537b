"""API errors: field messages for 400s, and a 503 (never a traceback) when the database is down."""

from django.db import DatabaseError, InterfaceError, OperationalError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        return Response({"detail": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."}, status=503)
    if isinstance(exc, DatabaseError):
        return None
    return drf_exception_handler(exc, context)
