"""The legal team's admin: every page renders; writes go through roster_write with the user and a
reason; an unchanged save writes nothing; the cross-object rule of locations and flows; no delete
of sub-processors and no revert on history pages."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from registry.api.authentication import api_token_create
from registry.changes import current_version
from registry.choices import Status
from registry.models import APIToken, Category, DataCategory, DataFlow, Location, SubProcessor

pytestmark = pytest.mark.django_db

ROSTER_MODELS = ["subprocessor", "dataflow", "category"]


def url(model, action, *args):
    return reverse(f"admin:registry_{model}_{action}", args=args)


def _value(bound):
    value = bound.field.prepare_value(bound.value())
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _form_data(form, data):
    for name in form.fields:
        value = _value(form[name])
        if value is not None:
            data[form.add_prefix(name)] = value


def page_data(response) -> dict:
    """The POST data of an admin change page as it was rendered: saving it changes nothing."""
    data = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    return data


def inline_forms(data, prefix):
    """The index of each existing inline form of ``prefix`` in ``data``."""
    return range(int(data[f"{prefix}-TOTAL_FORMS"]))


@pytest.fixture
def cdn(small_roster):
    return SubProcessor.objects.get(slug="cdn")


# --- every page renders -------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["subprocessor", "dataflow", "category", "datacategory",
                                   "apitoken"])
def test_changelist_renders(admin_client, small_roster, model):
    api_token_create(name="image-service")
    assert admin_client.get(url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", ["subprocessor", "dataflow", "category"])
def test_add_page_renders(admin_client, small_roster, model):
    assert admin_client.get(url(model, "add")).status_code == 200


def test_change_and_history_pages_render(admin_client, cdn):
    flow = DataFlow.objects.filter(sub_processor=cdn).first()
    category = Category.objects.get(slug="cloud_infrastructure")
    token, _key = api_token_create(name="image-service")
    pages = [
        url("subprocessor", "change", cdn.pk), url("subprocessor", "history", cdn.pk),
        url("dataflow", "change", flow.pk), url("dataflow", "history", flow.pk),
        url("category", "change", category.pk),
        url("datacategory", "change", DataCategory.objects.first().pk),
        url("apitoken", "change", token.pk),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


@pytest.mark.parametrize(("query", "expected"), [
    ("q=cdn", ["cdn"]),
    ("q=generation", []),
    ("category__slug__exact=email_delivery", ["mail"]),
    ("status__exact=active", ["cdn", "genai", "mail"]),
    ("status__exact=retired", []),
    ("public__exact=0", ["mail"]),
    ("country=SG", ["cdn"]),
    ("country=US", ["cdn", "genai", "mail"]),
])
def test_sub_processor_list_filters_and_search(admin_client, small_roster, query, expected):
    if query.startswith("category"):
        query = f"category__id__exact={Category.objects.get(slug='email_delivery').pk}"
    response = admin_client.get(url("subprocessor", "changelist") + "?" + query)
    assert response.status_code == 200
    assert [sp.slug for sp in response.context["cl"].result_list] == expected


def test_sub_processor_list_shows_countries(admin_client, cdn):
    response = admin_client.get(url("subprocessor", "changelist"))
    assert "SG, US" in response.content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ("data_category=user_content", ["cdn", "genai"]),
    ("data_category=account", ["cdn"]),
    ("subject=EEA", ["cdn"]),
    ("country=US", ["cdn", "genai"]),
    ("q=generation", ["genai"]),
])
def test_data_flow_list_filters(admin_client, small_roster, query, expected):
    response = admin_client.get(url("dataflow", "changelist") + "?" + query)
    assert response.status_code == 200
    assert sorted(f.sub_processor.slug for f in response.context["cl"].result_list) == expected


# --- saving -------------------------------------------------------------------------------------


def test_saving_unchanged_writes_no_history(admin_client, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    counts = [SubProcessor.history.count(), Location.history.count()]
    version = current_version()

    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert [SubProcessor.history.count(), Location.history.count()] == counts
    assert current_version() == version


def test_a_change_writes_one_history_record_with_the_user_and_reason(admin_client, admin_user,
                                                                      cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    data["name"] = "CDN Holdings Ltd"
    before = SubProcessor.history.count()
    version = current_version()

    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)

    assert response.status_code == 302
    assert SubProcessor.history.count() == before + 1
    record = cdn.history.latest("history_date")
    assert record.name == "CDN Holdings Ltd"
    assert record.history_user == admin_user
    assert record.history_actor == admin_user.get_username()
    assert record.history_change_reason == "Changed in the admin: name"
    assert current_version() == version + 1


def test_an_inline_change_names_the_list_in_the_reason(admin_client, admin_user, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    index = int(data["locations-TOTAL_FORMS"])
    data["locations-TOTAL_FORMS"] = str(index + 1)
    data[f"locations-{index}-country"] = "DE"
    data[f"locations-{index}-region"] = "eu-central-1"

    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)

    assert response.status_code == 302
    location = cdn.locations.get(country="DE")
    record = location.history.get()
    assert (record.history_user, record.history_change_reason) == (
        admin_user, "Changed in the admin: locations"
    )


def test_adding_a_sub_processor(admin_client, admin_user, small_roster):
    data = {
        "slug": "newcdn", "name": "New CDN Ltd",
        "category": Category.objects.get(slug="cloud_infrastructure").pk,
        "headquarters": "DE", "status": "active", "public": "on", "purpose_en": "CDN",
        "purpose_zh_hans": "内容分发", "certifications": ["eu_us_dpf"],
        "locations-TOTAL_FORMS": "1", "locations-INITIAL_FORMS": "0",
        "locations-0-country": "DE",
        "safeguards-TOTAL_FORMS": "0", "safeguards-INITIAL_FORMS": "0",
        "assessments-TOTAL_FORMS": "0", "assessments-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url("subprocessor", "add"), data)
    assert response.status_code == 302
    sp = SubProcessor.objects.get(slug="newcdn")
    assert sp.certifications == ["eu_us_dpf"]
    record = sp.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+", admin_user, "Added in the admin"
    )


def test_model_validation_errors_show_under_the_field(admin_client, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    data["zero_retention_available"] = "on"  # cdn is not an AI model provider
    data["retired_on"] = "2026-01-01"  # and not retired
    before = SubProcessor.history.count()

    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["zero_retention_available"] == [
        "AI flags apply only to AI model providers."
    ]
    assert "Only a retired sub-processor has a retirement date." in form.non_field_errors()
    assert SubProcessor.history.count() == before


def test_removing_a_location_a_flow_uses_is_refused(admin_client, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    [sg] = [i for i in inline_forms(data, "locations") if data[f"locations-{i}-country"] == "SG"]
    data[f"locations-{sg}-DELETE"] = "on"

    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)

    assert response.status_code == 200
    [locations] = [i.formset for i in response.context["inline_admin_formsets"]
                   if i.formset.prefix == "locations"]
    assert locations.non_form_errors() == [
        "Data flows of cdn still send data to SG: change those flows before removing or "
        "changing the location."
    ]
    assert cdn.locations.filter(country="SG").exists()


def test_changing_a_location_country_a_flow_uses_is_refused(admin_client, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    [sg] = [i for i in inline_forms(data, "locations") if data[f"locations-{i}-country"] == "SG"]
    data[f"locations-{sg}-country"] = "DE"
    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)
    assert response.status_code == 200
    assert cdn.locations.filter(country="SG").exists()


def test_removing_a_location_no_flow_uses_is_allowed(admin_client, cdn):
    flow = cdn.data_flows.get()
    flow.countries = ["US"]
    flow.save()
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    [sg] = [i for i in inline_forms(data, "locations") if data[f"locations-{i}-country"] == "SG"]
    data[f"locations-{sg}-DELETE"] = "on"
    response = admin_client.post(url("subprocessor", "change", cdn.pk), data)
    assert response.status_code == 302
    assert not cdn.locations.filter(country="SG").exists()


# --- data flows ---------------------------------------------------------------------------------


def flow_data(sub_processor, **fields):
    return {"sub_processor": sub_processor.pk, "data_categories": ["account", "usage"],
            "subjects": "EEA, GB", "countries": "US", "purpose": "support", **fields}


def test_a_data_flow_is_added_from_comma_separated_codes(admin_client, admin_user, cdn):
    response = admin_client.post(url("dataflow", "add"),
                                 flow_data(cdn, subjects="GB,EEA , US", countries="US, SG"))
    assert response.status_code == 302
    flow = DataFlow.objects.get(sub_processor=cdn, purpose="support")
    assert (flow.data_categories, flow.subjects, flow.countries) == (
        ["account", "usage"], ["EEA", "GB", "US"], ["SG", "US"]
    )
    assert flow.history.get().history_user == admin_user


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"countries": "DE"}, "countries", "cdn has no location in DE"),
    ({"countries": "us"}, "countries", "'us' is not an ISO 3166-1 country code"),
    ({"subjects": "EU"}, "subjects",
     "'EU' is neither a region (EEA, ROW) nor an ISO 3166-1 country code"),
    ({"subjects": "GB, GB"}, "subjects", "subjects lists GB more than once"),
    ({"data_categories": ["photos"]}, "data_categories",
     "Select a valid choice. photos is not one of the available choices."),
])
def test_a_data_flow_error_shows_under_its_field(admin_client, cdn, fields, field, message):
    before = DataFlow.objects.count()
    response = admin_client.post(url("dataflow", "add"), flow_data(cdn, **fields))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field]
    assert DataFlow.objects.count() == before


def test_saving_a_data_flow_unchanged_writes_no_history(admin_client, cdn):
    flow = cdn.data_flows.get()
    response = admin_client.get(url("dataflow", "change", flow.pk))
    data = page_data(response)
    assert data["countries"] == "SG, US"
    before = DataFlow.history.count()
    assert admin_client.post(url("dataflow", "change", flow.pk), data).status_code == 302
    assert DataFlow.history.count() == before


def test_deleting_a_data_flow_records_the_user(admin_client, admin_user, cdn):
    flow = cdn.data_flows.get()
    response = admin_client.post(url("dataflow", "delete", flow.pk), {"post": "yes"})
    assert response.status_code == 302
    record = DataFlow.history.filter(id=flow.pk, history_type="-").get()
    assert (record.history_user, record.history_change_reason) == (
        admin_user, "Deleted in the admin"
    )


# --- no delete, no revert -----------------------------------------------------------------------


def test_a_sub_processor_cannot_be_deleted(admin_client, cdn):
    page = admin_client.get(url("subprocessor", "change", cdn.pk)).content.decode()
    assert url("subprocessor", "delete", cdn.pk) not in page
    assert admin_client.post(url("subprocessor", "delete", cdn.pk), {"post": "yes"}).status_code \
        == 403
    actions = admin_client.get(url("subprocessor", "changelist")).context["action_form"]
    assert "delete_selected" not in dict(actions.fields["action"].choices)
    assert SubProcessor.objects.filter(pk=cdn.pk).exists()


def test_retire_selected(admin_client, admin_user, small_roster):
    mail = SubProcessor.objects.get(slug="mail")
    response = admin_client.post(url("subprocessor", "changelist"), {
        "action": "retire_selected", "_selected_action": [mail.pk],
    })
    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.status == Status.RETIRED
    assert mail.retired_on is not None
    record = mail.history.latest("history_date")
    assert record.history_user == admin_user
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 sub-processor retired."]


def test_history_shows_actor_and_reason_and_offers_no_revert(admin_client, admin_user, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    data["name"] = "CDN Holdings Ltd"
    admin_client.post(url("subprocessor", "change", cdn.pk), data)
    record = cdn.history.latest("history_date")

    page = admin_client.get(url("subprocessor", "history", cdn.pk)).content.decode()
    assert "Changed in the admin: name" in page
    assert "history_actor" in page and "import_roster" in page
    assert "revert" not in page.lower()

    version_url = url("subprocessor", "simple_history", cdn.pk, record.history_id)
    version_page = admin_client.get(version_url)
    assert version_page.status_code == 200
    assert "Revert" not in version_page.content.decode()

    # Even a hand-made POST cannot revert.
    old = cdn.history.earliest("history_date")
    data["name"] = old.name
    response = admin_client.post(url("subprocessor", "simple_history", cdn.pk, old.history_id),
                                 data)
    assert response.status_code == 403
    cdn.refresh_from_db()
    assert cdn.name == "CDN Holdings Ltd"


# --- categories, data categories, tokens --------------------------------------------------------


def test_a_builtin_category_cannot_be_deleted_and_its_slug_is_fixed(admin_client, db):
    category = Category.objects.get(slug="payment")
    response = admin_client.get(url("category", "change", category.pk))
    assert "slug" not in response.context["adminform"].form.fields
    assert url("category", "delete", category.pk) not in response.content.decode()
    assert admin_client.post(url("category", "delete", category.pk), {"post": "yes"}) \
        .status_code == 403


def test_an_extra_category_is_added_with_history(admin_client, admin_user, db):
    response = admin_client.post(url("category", "add"), {
        "slug": "security", "name_en": "Security", "name_zh_hans": "安全", "position": "10",
    })
    assert response.status_code == 302
    category = Category.objects.get(slug="security")
    assert not category.builtin
    assert category.history.get().history_user == admin_user


def test_a_category_slug_is_validated(admin_client, db):
    response = admin_client.post(url("category", "add"), {
        "slug": "Bad Slug", "name_en": "Security", "name_zh_hans": "安全", "position": "10",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"]


def test_data_categories_are_read_only(admin_client, db):
    data_category = DataCategory.objects.first()
    response = admin_client.get(url("datacategory", "change", data_category.pk))
    assert response.context["has_change_permission"] is False
    assert admin_client.get(url("datacategory", "add")).status_code == 403


def test_tokens_are_not_added_in_the_admin_and_are_revoked_by_action(admin_client, db):
    token, _key = api_token_create(name="image-service")
    assert admin_client.get(url("apitoken", "add")).status_code == 403
    response = admin_client.post(url("apitoken", "changelist"), {
        "action": "revoke_selected", "_selected_action": [token.pk],
    })
    assert response.status_code == 302
    assert APIToken.objects.get(pk=token.pk).revoked_at is not None
    assert "digest" not in admin_client.get(url("apitoken", "change", token.pk)).content.decode()


def test_roster_version_is_not_in_the_admin(admin_client, db):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "roster version" not in page.lower()
    for model in ROSTER_MODELS:
        assert url(model, "changelist") in page


def test_sub_processor_history_shows_changes_to_its_lists(admin_client, admin_user, cdn):
    data = page_data(admin_client.get(url("subprocessor", "change", cdn.pk)))
    [sg] = [i for i in inline_forms(data, "locations") if data[f"locations-{i}-country"] == "SG"]
    data[f"locations-{sg}-city"] = "Jurong West"
    assert admin_client.post(url("subprocessor", "change", cdn.pk), data).status_code == 302

    response = admin_client.get(url("subprocessor", "history", cdn.pk))

    [latest, *_older] = response.context["related_history"]
    assert latest["record"].history_user == admin_user
    assert latest["record"].history_change_reason == "Changed in the admin: locations"
    assert latest["changes"] == [("city", "", "Jurong West")]
    page = response.content.decode()
    assert "Jurong West" in page
    assert "hosting: EEA, ROW → SG, US" in page  # the flow, as imported


def test_the_change_page_lists_the_flows_with_links(admin_client, cdn):
    page = admin_client.get(url("subprocessor", "change", cdn.pk)).content.decode()
    assert "hosting: EEA, ROW → SG, US" in page
    link = f"{url('dataflow', 'changelist')}?sub_processor__id__exact={cdn.pk}"
    assert link in page
    response = admin_client.get(link)
    assert [f.sub_processor.slug for f in response.context["cl"].result_list] == ["cdn"]
    add = admin_client.get(f"{url('dataflow', 'add')}?sub_processor={cdn.pk}")
    assert add.context["adminform"].form.initial["sub_processor"] == str(cdn.pk)


@pytest.mark.parametrize("path", [
    "/admin/registry/subprocessor/abc/history/",
    "/admin/registry/subprocessor/1/history/abc/",
    "/admin/registry/dataflow/abc/history/",
])
def test_a_history_url_with_a_bad_id_is_not_found(admin_client, db, path):
    assert admin_client.get(path).status_code == 404


# --- locations filled from the cloud-region reference data ----------------------------------------


def add_location(admin_client, sub_processor, *, country="", region=""):
    data = page_data(admin_client.get(url("subprocessor", "change", sub_processor.pk)))
    index = int(data["locations-TOTAL_FORMS"])
    data["locations-TOTAL_FORMS"] = str(index + 1)
    data[f"locations-{index}-country"] = country
    data[f"locations-{index}-region"] = region
    return admin_client.post(url("subprocessor", "change", sub_processor.pk), data)


def test_a_location_with_a_known_region_and_no_country_gets_the_region_country(admin_client, cdn):
    # ap-east-1 is AWS's Hong Kong region, whatever "east" suggests.
    response = add_location(admin_client, cdn, region="ap-east-1")
    assert response.status_code == 302
    assert cdn.locations.get(region="ap-east-1").country == "HK"


def test_a_mainland_sounding_region_in_hong_kong_is_recorded_as_hong_kong(admin_client, cdn):
    response = add_location(admin_client, cdn, region="cn-hongkong")
    assert response.status_code == 302
    assert cdn.locations.get(region="cn-hongkong").country == "HK"


def test_an_unknown_region_without_a_country_is_refused(admin_client, cdn):
    response = add_location(admin_client, cdn, region="moon-base-1")
    assert response.status_code == 200
    assert not cdn.locations.filter(region="moon-base-1").exists()


def test_a_recorded_country_is_kept_whatever_the_region_says(admin_client, cdn):
    response = add_location(admin_client, cdn, country="SG", region="ap-east-1")
    assert response.status_code == 302
    assert cdn.locations.get(region="ap-east-1").country == "SG"
