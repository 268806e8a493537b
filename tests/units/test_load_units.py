import pytest
from django.core.management import call_command

from units.models import Campaign, Unit
from units.services import units_load


@pytest.mark.django_db
def test_load_units_builds_the_hau_giang_tree():
    call_command("load_units", verbosity=0)
    province = Unit.objects.get(code="93")
    assert province.kind == "province" and province.parent is None
    districts = Unit.objects.filter(parent=province).exclude(kind="agency")
    assert districts.count() == 8
    assert sorted(districts.values_list("code", flat=True)) == [str(c) for c in range(930, 938)]
    assert sum(d.population for d in districts) == 733_017 == province.population
    leaves = Unit.objects.filter(kind__in=["ward", "township", "commune"])
    assert leaves.count() == 75
    assert leaves.filter(kind="ward").count() == 13
    assert leaves.filter(kind="township").count() == 11
    assert leaves.filter(kind="commune").count() == 51
    assert all(leaf.parent.kind in ("city", "town", "district") for leaf in leaves.select_related("parent"))
    assert Unit.objects.get(code="31318").parent.code == "930"
    assert Unit.objects.get(code="31318").path == "93/930/31318/"
    assert Unit.objects.filter(kind="agency", parent=province).count() == 31


@pytest.mark.django_db
def test_commune_populations_the_data_lacks_stay_missing():
    units_load()
    assert Unit.objects.get(code="31318").population == 5628
    ngabay = Unit.objects.get(code="31340")
    assert ngabay.population is None and ngabay.population_missing
    assert Unit.objects.filter(kind__in=["ward", "township", "commune"], population__isnull=False).count() == 10


@pytest.mark.django_db
def test_load_units_twice_changes_nothing():
    first = units_load()
    before = list(Unit.objects.order_by("code").values())
    second = units_load()
    assert (first.created, second.created, second.updated) == (115, 0, 0)
    assert list(Unit.objects.order_by("code").values()) == before
    assert Campaign.objects.count() == 1


@pytest.mark.django_db
def test_load_units_updates_a_changed_name_and_keeps_admin_populations(tmp_path):
    units_load()
    commune = Unit.objects.get(code="31340")
    commune.population = 12_000
    commune.save()
    source = (Unit._meta.apps.get_app_config("units").path + "/data/haugiang_units_2020-08.csv")
    text = open(source, encoding="utf-8").read().replace("Xã Hoả Lựu", "Xã Hỏa Lựu").replace(
        "31318,Phường I,ward,930,5628", "31318,Phường I,ward,930,5700")
    changed = tmp_path / "units.csv"
    changed.write_text(text, encoding="utf-8")
    summary = units_load(units_csv=changed)
    assert summary.updated == 2
    assert Unit.objects.get(code="31336").name == "Xã Hỏa Lựu"
    assert Unit.objects.get(code="31318").population == 5700
    assert Unit.objects.get(code="31340").population == 12_000


@pytest.mark.django_db
def test_the_2020_campaign_exists_after_load_units(hau_giang):
    c = hau_giang
    assert (c.start_date.isoformat(), c.target_date.isoformat()) == ("2020-08-13", "2020-08-30")
    assert str(c.population_target_rate) == "0.3000" and str(c.staff_target_rate) == "1.0000"
    assert c.deadline.strftime("%H:%M") == "15:00" and c.time_zone == "Asia/Ho_Chi_Minh"
    assert (c.baseline_installed, c.baseline_population) == (55_289, 733_017)
    assert round(c.baseline_installed / c.baseline_population * 100, 2) == 7.54
    assert c.root.code == "93"
    assert len(c.days()) == 18
