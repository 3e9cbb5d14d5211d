"""The demo roster that `make run` loads: it imports cleanly, round-trips, and has the facts and
the deliberate gaps its header promises."""

from io import StringIO

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.choices import BUILTIN_CATEGORIES, Status
from registry.models import DataFlow, SubProcessor
from registry.roster import apply_roster, dump_roster, read_roster, roster_as_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_loads_the_roster_and_prints_an_admin_login(seeded):
    assert "Loaded the demo roster (23 sub-processors)." in seeded
    assert "user 'admin'  password '" in seeded
    assert get_user_model().objects.get(username="admin").is_superuser
    assert SubProcessor.objects.count() == 23


def test_seed_demo_a_second_time_changes_nothing(seeded):
    history = SubProcessor.history.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Loaded" not in out.getvalue()
    assert "exists (password unchanged)" in out.getvalue()
    assert SubProcessor.history.count() == history


def test_every_builtin_category_has_a_sub_processor(seeded):
    used = set(SubProcessor.objects.values_list("category__slug", flat=True))
    assert {slug for slug, _en, _zh in BUILTIN_CATEGORIES} <= used
    assert "security" in used  # an extra category, declared in the file


def test_the_providers_the_policy_names_are_listed(seeded):
    names = " ".join(SubProcessor.objects.values_list("name", flat=True))
    for provider in ("Cloudflare", "Amazon Web Services", "Google Cloud Storage", "Resend",
                     "Postmark"):
        assert provider in names


def test_aws_locations_and_contracts(seeded):
    aws = SubProcessor.objects.get(slug="aws")
    assert [(str(loc.country), loc.region) for loc in aws.locations.order_by("country")] == [
        ("HK", "ap-east-1"), ("SG", "ap-southeast-1"), ("US", "us-east-1"),
    ]
    assert aws.certifications == ["eu_us_dpf", "swiss_us_dpf", "uk_us_data_bridge"]
    assert aws.safeguards.filter(kind="eu_scc", module=2).exists()


def test_mainland_china_is_only_for_mainland_users(seeded):
    to_china = [flow for flow in DataFlow.objects.all() if "CN" in flow.countries]
    assert [flow.sub_processor.slug for flow in to_china] == ["alibaba-cloud-cn"]
    assert to_china[0].subjects == ["CN"]


def test_every_purpose_has_a_chinese_text(seeded):
    assert not SubProcessor.objects.filter(purpose_zh_hans="").exists()


def test_the_deliberate_gaps_are_there(seeded):
    posthog = SubProcessor.objects.get(slug="posthog")
    assert posthog.safeguards.filter(kind="eu_scc").exists()
    assert not posthog.assessments.exists()
    assert "eu_us_dpf" not in posthog.certifications

    stability = SubProcessor.objects.get(slug="stability-ai")
    assert stability.do_not_train_available and not stability.do_not_train_enabled

    assert SubProcessor.objects.get(slug="crisp").dpa_signed is None

    bfl = SubProcessor.objects.get(slug="black-forest-labs")
    assert bfl.status == Status.PROPOSED
    assert bfl.effective_from.isoformat() == "2027-01-15"

    assert list(SubProcessor.objects.filter(public=False).values_list("slug", flat=True)) == [
        "slack"
    ]
    sendgrid = SubProcessor.objects.get(slug="sendgrid")
    assert sendgrid.status == Status.RETIRED and sendgrid.retired_on is not None


def test_the_demo_roster_round_trips(seeded):
    first = dump_roster(roster_as_of(), "yaml")
    history = SubProcessor.history.count()

    report = apply_roster(read_roster(yaml.safe_load(first)))

    assert report == []
    assert dump_roster(roster_as_of(), "yaml") == first
    assert SubProcessor.history.count() == history
