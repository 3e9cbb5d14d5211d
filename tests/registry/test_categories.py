import pytest

from registry.models import Category
from registry.roster import RosterFileError, read_roster

from ..conftest import import_roster_data, roster_entry


@pytest.mark.django_db
def test_a_roster_file_may_rename_a_built_in_category_and_add_one_with_underscores():
    import_roster_data({
        "version": 1,
        "categories": [
            {"slug": "cloud_infrastructure", "name": {"en": "Cloud", "zh-hans": "云"}},
            {"slug": "sms_gateway", "name": {"en": "SMS", "zh-hans": "短信"}},
        ],
        "sub_processors": [roster_entry("twilio", category="sms_gateway")],
    })
    assert Category.objects.get(slug="cloud_infrastructure").name_en == "Cloud"
    assert Category.objects.get(slug="sms_gateway").sub_processors.get().slug == "twilio"


@pytest.mark.django_db
def test_a_category_slug_with_spaces_or_capitals_is_refused():
    with pytest.raises(RosterFileError) as refused:
        read_roster({"version": 1, "categories": [
            {"slug": "Bad Slug", "name": {"en": "Bad", "zh-hans": "坏"}}]})
    assert refused.value.problems == [
        "categories[0].slug: 'Bad Slug' is not a valid category slug: use lower-case letters, "
        "digits, underscores and hyphens only"
    ]
