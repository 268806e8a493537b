"""Is an upload really a small xlsx? Decided from its bytes, before any XML is parsed.

An xlsx is a zip archive whose [Content_Types].xml declares a spreadsheet
workbook. The checks run on the zip's directory only (sizes as declared;
Python's zipfile never inflates an entry beyond its declared size), so a zip
bomb is refused without being decompressed.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ENTRY_RATIO = 200  # deflate of real sheet XML stays far below this
RATIO_CHECK_FROM = 256 * 1024  # tiny entries compress oddly; their size is harmless anyway
MAX_ENTRIES = 1000
MAX_CONTENT_TYPES_BYTES = 256 * 1024
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES = "[Content_Types].xml"
SPREADSHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class UploadRefused(Exception):
    """The file is not accepted; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _mb(n: int) -> str:
    """Megabytes as Vietnamese write them, rounded up so that "over the limit" never reads as "at the limit"."""
    hundredths = -(-n * 100 // (1024 * 1024))
    if hundredths % 100 == 0:
        return str(hundredths // 100)
    return f"{hundredths // 100},{hundredths % 100:02d}"


def not_xlsx_message() -> str:
    return _("Tệp không phải bảng tính Excel (.xlsx). Hãy tải mẫu nhập, điền số liệu và lưu dưới dạng "
             "“Sổ làm việc Excel (.xlsx)”.")


def too_large_message(size: int) -> str:
    return _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.") % {"size": _mb(size), "max": _mb(MAX_UPLOAD_BYTES)}


def xlsx_check(data: bytes) -> None:
    """Raise UploadRefused unless `data` is an xlsx workbook within the limits."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(too_large_message(len(data)))
    if not data.startswith(ZIP_MAGIC):
        raise UploadRefused(not_xlsx_message())
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UploadRefused(not_xlsx_message()) from None
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused(_("Tệp có quá nhiều thành phần (%(n)s); không phải một bảng tính thông thường.")
                            % {"n": len(entries)})
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadRefused(_("Tệp khi giải nén quá lớn (%(size)s MB; tối đa %(max)s MB). Hãy chỉ giữ lại trang "
                              "số liệu theo mẫu.") % {"size": _mb(total), "max": _mb(MAX_UNCOMPRESSED_BYTES)})
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UploadRefused(_("Tệp được đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại."))
        if entry.file_size > RATIO_CHECK_FROM and entry.file_size > MAX_ENTRY_RATIO * max(entry.compress_size, 1):
            raise UploadRefused(_("Tệp có thành phần nén bất thường (tỷ lệ nén quá cao); tệp bị từ chối."))
    _content_types_check(archive)


def _content_types_check(archive: zipfile.ZipFile) -> None:
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        raise UploadRefused(not_xlsx_message()) from None
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        raise UploadRefused(not_xlsx_message())
    try:
        root = SafeET.fromstring(archive.read(info))
    except Exception:  # defusedxml refusals, malformed XML, bad CRC: all mean "not a workbook we read"
        raise UploadRefused(not_xlsx_message()) from None
    types = {el.get("ContentType") for el in root.iter(f"{CT_NS}Override")}
    if SPREADSHEET_MAIN not in types:
        raise UploadRefused(not_xlsx_message())
