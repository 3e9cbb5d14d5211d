"""Every fixed string the public sees has a Chinese translation in the compiled catalogue."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from registry.choices import SafeguardKind, Status
from registry.public.exports import COLUMNS

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "public"
TRANSLATE = re.compile(r'{% translate "([^"]+)"')
BLOCK = re.compile(r"{% blocktranslate trimmed %}(.*?){% endblocktranslate %}", re.S)


def template_strings() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text()
        found += TRANSLATE.findall(text)
        found += [" ".join(block.split()) for block in BLOCK.findall(text)]
    return found


def test_the_templates_have_strings_to_check():
    assert "Upcoming changes" in template_strings()


@pytest.mark.parametrize(
    "message",
    [
        *template_strings(),
        *(str(label) for _key, label in COLUMNS),
        *(choice.label for choice in SafeguardKind),
        *(choice.label for choice in Status),
        "In effect", "Upcoming", "Yes", "No", "None recorded", "Not applicable",
        "EU Standard Contractual Clauses, Module %(module)s", "as_of must not be after today.",
    ],
)
def test_string_is_translated_to_chinese(message):
    with translation.override("zh-hans"):
        translated = translation.gettext(message)
    assert translated != message
    assert re.search(r"[\u4e00-\u9fff]", translated)
