"""The checker in the admin: the compliance page, the findings of one sub-processor or flow, the
read-only reference data and the editable processing countries."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from registry.changes import current_version
from registry.models import DataFlow, SubProcessor
from tests.conftest import import_roster_data, roster_entry
from transfers.admin_views import flow_findings_html, sub_processor_findings_html
from transfers.models import (
    AdequacyDecision,
    CertificationFramework,
    CloudRegion,
    EEAMember,
    ProcessingCountry,
    ReferenceFile,
)
from transfers.selectors import (
    findings_for_flow,
    findings_for_sub_processor,
    location_region_mismatches,
)

COMPLIANCE = "/admin/transfers/compliance/"


def test_compliance_page_lists_every_finding_with_links(admin_client, examples):
    response = admin_client.get(COMPLIANCE)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("transfers_compliance") == COMPLIANCE
    no_tia = SubProcessor.objects.get(slug="cdn-no-tia")
    flow = DataFlow.objects.get(sub_processor=no_tia)
    assert reverse("admin:registry_subprocessor_change", args=[no_tia.pk]) in html
    assert reverse("admin:registry_dataflow_change", args=[flow.pk]) in html
    assert "eu.tia_missing" in html
    assert 'class="transfer-finding-error"' in html  # red
    assert "transfers/findings.css" in html
    groups = [group["severity"].value for group in response.context["groups"]]
    assert groups == ["block", "error", "warning", "info"]
    errors = dict((g["severity"].value, g["findings"]) for g in response.context["groups"])
    assert {finding.rule for _entry, finding in errors["error"]} >= {
        "eu.tia_missing", "ch.no_mechanism", "policy.processing_country"}
    assert response.context["not_allowed"] == 8


def test_compliance_page_is_for_staff_only(client, examples):
    response = client.get(COMPLIANCE)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    user = get_user_model().objects.create_user("reader", password="x")
    client.force_login(user)
    assert client.get(COMPLIANCE).status_code == 302


def test_compliance_page_shows_region_mismatches(admin_client, db):
    import_roster_data({"version": 1, "sub_processors": [
        roster_entry("ali", countries=(), headquarters="CN", locations=[
            {"country": "CN", "region": "cn-hongkong"},  # Alibaba's Hong Kong region
            {"country": "CN", "region": "cn-shanghai"},
            {"country": "SG", "region": "made-up-region"},
        ]),
    ]})
    mismatches = location_region_mismatches()
    assert [(m.sub_processor, m.country, m.region, m.region_countries) for m in mismatches] == [
        ("ali", "CN", "cn-hongkong", ("HK",))]
    html = admin_client.get(COMPLIANCE).content.decode()
    assert "cn-hongkong" in html
    assert "cn-shanghai" not in html


def test_findings_for_one_sub_processor_and_one_flow(examples):
    genai = SubProcessor.objects.get(slug="genai")
    rows = findings_for_sub_processor(genai.pk)
    assert {row.sub_processor for row in rows} == {"genai"}
    assert {row.subject for row in rows} == {"CN", "GB", "CH", "US"}
    flow = DataFlow.objects.get(sub_processor=genai)
    assert findings_for_flow(flow.pk) == rows
    html = sub_processor_findings_html(genai)
    assert "uk.no_mechanism" in html
    assert "transfer-finding-error" in html
    assert flow_findings_html(flow) == html
    assert sub_processor_findings_html(None) == "—"
    assert findings_for_flow(-1) == []


@pytest.mark.parametrize("model", [EEAMember, AdequacyDecision, CertificationFramework,
                                   CloudRegion, ReferenceFile])
def test_reference_data_is_read_only_in_the_admin(admin_client, model):
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert "reviewed release" in response.content.decode()
    add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    assert admin_client.get(add).status_code == 403
    row = model.objects.first()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
    assert admin_client.get(change).status_code == 200  # view only
    assert admin_client.post(change, {}).status_code == 403
    delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_processing_countries_are_editable_in_the_admin(admin_client, db):
    stamp = current_version()
    add = reverse("admin:transfers_processingcountry_add")
    response = admin_client.post(add, {"subjects": "*", "country": "JP",
                                       "source": "Policy §9, 2027 edition", "note": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    row = ProcessingCountry.objects.get(subjects="*", country="JP")
    assert current_version() > stamp
    latest = row.history.latest()
    assert latest.history_user.username == "admin"
    bad = admin_client.post(add, {"subjects": "*", "country": "jp", "source": "", "note": ""})
    assert bad.status_code == 200
    assert "is not an ISO 3166-1 country code" in bad.content.decode()


def test_admin_check_passes_for_transfer_admins(db):
    from django.contrib import admin
    from django.core import checks

    errors = [e for e in checks.run_checks() if e.level >= checks.ERROR]
    assert errors == []
    assert ProcessingCountry in admin.site._registry


def test_sub_processor_and_flow_pages_show_their_findings(admin_client, examples):
    genai = SubProcessor.objects.get(slug="genai")
    page = admin_client.get(reverse("admin:registry_subprocessor_change", args=[genai.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "uk.no_mechanism" in html and "transfer-finding-error" in html
    flow = DataFlow.objects.get(sub_processor=genai)
    page = admin_client.get(reverse("admin:registry_dataflow_change", args=[flow.pk]))
    assert page.status_code == 200
    assert "ch.no_mechanism" in page.content.decode()
    assert admin_client.get(reverse("admin:registry_subprocessor_add")).status_code == 200
