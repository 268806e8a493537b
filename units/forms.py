from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the length only on the widget; an over-long name must stop here, not reach
        # authenticate() and django-axes, whose attempt log holds 255 characters (a 500 on PostgreSQL).
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
