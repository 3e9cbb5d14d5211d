"""The six built-in sub-processor categories of policy §8 and the seven data categories of
policy §2 with the retention of policy §10. History rows are written too, so that a roster
rebuilt as of any later day finds them."""

from django.db import migrations
from django.utils import timezone

from registry.choices import BUILTIN_CATEGORIES

DATA_CATEGORIES = [
    ("account", "Account information", "账户资料",
     "While the account is active and up to 24 months after it is closed.",
     "账户存续期间及账户关闭后至多 24 个月。"),
    ("billing", "Payment and transaction information", "支付与交易资料",
     "At least 7 years, for tax, accounting and anti-money-laundering law.",
     "至少 7 年,以遵守税务、会计与反洗钱法律。"),
    ("user_content", "User content", "用户内容",
     "Until deleted or the account is closed; residual copies within 30 days, backups within "
     "90 days.",
     "直至删除或账户关闭;残留副本 30 天内删除,备份滚动窗口至多 90 天。"),
    ("communications", "Communications", "沟通资料",
     "Up to 36 months after the last interaction.",
     "自最后一次互动起最多 36 个月。"),
    ("usage", "Usage information", "使用资料",
     "Up to 12 months, longer only for security investigation, fraud prevention or legal "
     "compliance.",
     "最多 12 个月;仅因安全调查、反欺诈或法律合规需要方可更长。"),
    ("device", "Device and technical information", "设备与技术资料",
     "Up to 12 months, as logs, longer only for security investigation, fraud prevention or "
     "legal compliance.",
     "作为日志最多 12 个月;仅因安全调查、反欺诈或法律合规需要方可更长。"),
    ("cookies", "Cookie and similar technology data", "Cookie 及类似技术资料",
     "As long as the cookie's purpose requires, and within the 12 months of usage logs.",
     "以 Cookie 用途所需为限,并不超过使用日志的 12 个月。"),
]


def _with_history(apps, model_name, rows):
    model = apps.get_model("registry", model_name)
    historical = apps.get_model("registry", f"Historical{model_name}")
    now = timezone.now()
    for values in rows:
        lookup = {"slug": values["slug"]} if "slug" in values else {"code": values["code"]}
        obj, created = model.objects.update_or_create(defaults=values, **lookup)
        if created:
            historical.objects.create(
                id=obj.pk, history_date=now, history_type="+",
                history_change_reason="Built in", history_actor="migration", **values,
            )


def forwards(apps, schema_editor):
    _with_history(apps, "Category", [
        {"slug": slug, "name_en": en, "name_zh_hans": zh, "builtin": True, "position": index}
        for index, (slug, en, zh) in enumerate(BUILTIN_CATEGORIES)
    ])
    _with_history(apps, "DataCategory", [
        {"code": code, "name_en": en, "name_zh_hans": zh, "retention_en": ren,
         "retention_zh_hans": rzh, "position": index}
        for index, (code, en, zh, ren, rzh) in enumerate(DATA_CATEGORIES)
    ])


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
