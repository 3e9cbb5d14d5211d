"""The text of a draft notice, in English and Chinese, from the material changes it announces.

The legal team edits it before publishing; these sentences are where it starts.
"""

from django.utils import translation
from django_countries import countries as country_names

from registry.choices import SubjectRegion
from registry.models import DataCategory

from .materiality import Change, ChangeKind
from .models import NoticeKind

LANGUAGES = ("en", "zh-hans")

TITLES = {
    NoticeKind.ADDED: {"en": "New sub-processor: {name}", "zh-hans": "新增子处理者：{name}"},
    NoticeKind.CHANGED: {"en": "Change to sub-processor {name}", "zh-hans": "子处理者变更：{name}"},
    NoticeKind.REMOVED: {"en": "Sub-processor removed: {name}", "zh-hans": "移除子处理者：{name}"},
}

SENTENCES = {
    ChangeKind.ADDED: {
        "en": "We intend to engage {name} ({category}) as a sub-processor for: {purpose}. "
              "It will process personal data in: {countries}.",
        "zh-hans": "我们拟委托 {name}（{category}）作为子处理者，用途：{purpose}。"
                   "其处理个人数据的地点：{countries}。",
    },
    ChangeKind.REMOVED: {
        "en": "{name} is no longer one of our sub-processors.",
        "zh-hans": "{name} 不再是我们的子处理者。",
    },
    ChangeKind.COUNTRY_ADDED: {
        "en": "It will also process personal data in: {detail}.",
        "zh-hans": "其新增的个人数据处理地点：{detail}。",
    },
    ChangeKind.COUNTRY_REMOVED: {
        "en": "It no longer processes personal data in: {detail}.",
        "zh-hans": "其不再在以下地点处理个人数据：{detail}。",
    },
    ChangeKind.CATEGORY: {
        "en": "Its category is now: {category}.",
        "zh-hans": "其类别变更为：{category}。",
    },
    ChangeKind.PURPOSE: {
        "en": "Its purpose is now: {purpose}",
        "zh-hans": "其用途变更为：{purpose}",
    },
    ChangeKind.NAME: {
        "en": "Its legal name changed from {old_name} to {name}.",
        "zh-hans": "其法律实体名称由 {old_name} 变更为 {name}。",
    },
    ChangeKind.AI_SAFEGUARD_OFF: {
        "en": "{detail} is no longer enabled.",
        "zh-hans": "不再启用{detail}。",
    },
    ChangeKind.FLOWS_WIDENED: {
        "en": "It will newly receive: {detail}.",
        "zh-hans": "其将新增接收：{detail}。",
    },
}

SAFEGUARD_NAMES = {
    "do_not_train_enabled": {"en": "Do-not-train (your content is not used to train models)",
                             "zh-hans": "“不用于训练”（您的内容不会被用于训练模型）"},
    "zero_retention_enabled": {"en": "Zero data retention",
                               "zh-hans": "“零数据保留”"},
}

REGION_NAMES = {
    SubjectRegion.EEA: {"en": "the EEA", "zh-hans": "欧洲经济区"},
    SubjectRegion.ROW: {"en": "other countries", "zh-hans": "其他国家和地区"},
}

SEPARATOR = {"en": ", ", "zh-hans": "、"}


def notice_kind(changes: list[Change]) -> NoticeKind:
    kinds = {change.kind for change in changes}
    if ChangeKind.ADDED in kinds:
        return NoticeKind.ADDED
    if ChangeKind.REMOVED in kinds:
        return NoticeKind.REMOVED
    return NoticeKind.CHANGED


def notice_texts(changes: list[Change], *, before: dict | None, after: dict | None) -> dict:
    """Titles and bodies for a notice: ``{"title_en", "title_zh_hans", "body_en", ...}``."""
    facts = after or before
    kind = notice_kind(changes)
    texts = {}
    for language in LANGUAGES:
        suffix = language.replace("-", "_")
        texts[f"title_{suffix}"] = TITLES[kind][language].format(name=facts["name"])[:200]
        lines = [_sentence(change, language, before, facts) for change in changes]
        if kind == NoticeKind.ADDED:
            lines = lines[:1]  # the first sentence of an addition says it all
        texts[f"body_{suffix}"] = "\n".join(lines)
    return texts


def _sentence(change: Change, language: str, before: dict | None, facts: dict) -> str:
    zh = language == "zh-hans"
    values = {
        "name": facts["name"],
        "old_name": (before or facts)["name"],
        "category": facts["category_zh"] if zh else facts["category_en"],
        "purpose": facts["purpose_zh"] if zh else facts["purpose_en"],
        "countries": _countries(facts["countries"], language),
        "detail": _detail(change, language),
    }
    return SENTENCES[change.kind][language].format(**values)


def _detail(change: Change, language: str) -> str:
    if change.kind in (ChangeKind.COUNTRY_ADDED, ChangeKind.COUNTRY_REMOVED):
        return _countries(change.detail, language)
    if change.kind == ChangeKind.AI_SAFEGUARD_OFF:
        return SEPARATOR[language].join(SAFEGUARD_NAMES[flag][language] for flag in change.detail)
    if change.kind == ChangeKind.FLOWS_WIDENED:
        return _flows(change.detail, language)
    return ""


def _countries(codes, language: str) -> str:
    with translation.override(language):
        return SEPARATOR[language].join(str(country_names.name(code)) for code in codes)


def _subject(code: str, language: str) -> str:
    if code in REGION_NAMES:
        return REGION_NAMES[code][language]
    with translation.override(language):
        return str(country_names.name(code))


def _flows(pairs, language: str) -> str:
    """"user content of users in the EEA, other countries" from (category, subject) pairs."""
    names = {
        row.code: (row.name_zh_hans if language == "zh-hans" else row.name_en)
        for row in DataCategory.objects.all()
    }
    by_category: dict[str, list[str]] = {}
    for category, subject in pairs:
        by_category.setdefault(category, []).append(_subject(subject, language))
    parts = []
    for category, subjects in by_category.items():
        name = names.get(category, category)
        joined = SEPARATOR[language].join(subjects)
        parts.append(f"{joined}用户的{name}" if language == "zh-hans"
                     else f"{name.lower()} of users in {joined}")
    return ("；" if language == "zh-hans" else "; ").join(parts)
