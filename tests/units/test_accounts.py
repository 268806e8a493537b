import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from units.models import User


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "unit"), [("reporter", "31318"), ("reporter", "930"), ("reviewer", None), ("viewer", None)]
)
def test_create_unit_user_for_each_role_prints_its_token(hau_giang, capsys, role, unit):
    args = ["create_unit_user", "someone", "--role", role, "--password", "Mat-khau-2020"]
    if unit:
        args += ["--unit", unit]
    call_command(*args)
    user = User.objects.get(username="someone")
    assert user.role == role
    assert (user.unit.code if user.unit else None) == unit
    assert user.check_password("Mat-khau-2020")
    assert Token.objects.get(user=user).key in capsys.readouterr().out


@pytest.mark.django_db
def test_create_unit_user_refuses_an_unknown_unit(hau_giang):
    with pytest.raises(CommandError, match="99999"):
        call_command("create_unit_user", "x", "--role", "reporter", "--unit", "99999", "--password", "p")
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_create_unit_user_refuses_a_reporter_without_unit(hau_giang):
    with pytest.raises(CommandError, match="--unit"):
        call_command("create_unit_user", "x", "--role", "reporter", "--password", "p")
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_create_unit_user_refuses_a_reviewer_bound_to_a_unit(hau_giang):
    with pytest.raises(CommandError):
        call_command("create_unit_user", "x", "--role", "reviewer", "--unit", "930", "--password", "p")


@pytest.mark.django_db
def test_import_users_writes_passwords_to_a_file_not_the_log(hau_giang, tmp_path, capsys):
    source = tmp_path / "users.csv"
    source.write_text("username,role,unit,email\nvt,reporter,930,vt@example.invalid\nrv,reviewer,,rv@example.invalid\n")
    out = tmp_path / "passwords.csv"
    call_command("import_users", str(source), "--output", str(out))
    rows = out.read_text().splitlines()
    assert rows[0] == "username,password,token" and len(rows) == 3
    password = rows[1].split(",")[1]
    assert User.objects.get(username="vt").check_password(password)
    assert password not in capsys.readouterr().out
    assert oct(out.stat().st_mode)[-3:] == "600"


@pytest.mark.django_db
def test_import_users_with_a_bad_row_creates_nobody(hau_giang, tmp_path):
    source = tmp_path / "users.csv"
    source.write_text("username,role,unit,email\nok,reporter,930,\nbad,reporter,00000,\n")
    with pytest.raises(CommandError, match="dòng 3"):
        call_command("import_users", str(source), "--output", str(tmp_path / "p.csv"))
    assert not User.objects.filter(username__in=["ok", "bad"]).exists()


@pytest.mark.django_db
def test_login_page_is_vietnamese(client):
    response = client.get("/dang-nhap/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in body and "Đăng nhập" in body and "Mật khẩu" in body


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so_in_vietnamese(client, lan):
    response = client.post("/dang-nhap/", {"username": "lan", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@pytest.mark.django_db
def test_login_switches_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    body = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in body and "Log in" in body


@pytest.mark.django_db
def test_login_with_an_empty_username_names_the_field(client):
    body = client.post("/dang-nhap/", {"username": "", "password": "x"}).content.decode()
    assert 'id="id_username_error"' in body and "bắt buộc" in body


@pytest.mark.django_db
def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
