"""Fixed vocabularies of the roster file (contract §3) and the privacy policy.

Sub-processor categories are data (``Category``); these are the lists that are not.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class DataCategoryCode(models.TextChoices):
    """The seven categories of personal data of policy §2."""

    ACCOUNT = "account", _("Account information")
    BILLING = "billing", _("Payment and transaction information")
    USER_CONTENT = "user_content", _("User content")
    COMMUNICATIONS = "communications", _("Communications")
    USAGE = "usage", _("Usage information")
    DEVICE = "device", _("Device and technical information")
    COOKIES = "cookies", _("Cookie and similar technology data")


class SafeguardKind(models.TextChoices):
    """Transfer instruments: GDPR Art. 46-49, UK GDPR, FADP Art. 16-17, PIPL Art. 38."""

    EU_SCC = "eu_scc", _("EU Standard Contractual Clauses")
    EU_BCR = "eu_bcr", _("EU Binding Corporate Rules")
    UK_IDTA = "uk_idta", _("UK International Data Transfer Agreement")
    UK_ADDENDUM = "uk_addendum", _("UK Addendum to the EU Standard Contractual Clauses")
    SWISS_SCC = "swiss_scc", _("Swiss-adapted Standard Contractual Clauses")
    PRC_STANDARD_CONTRACT = "prc_standard_contract", _("PRC standard contract")
    PRC_SECURITY_ASSESSMENT = "prc_security_assessment", _("PRC security assessment")
    PRC_CERTIFICATION = "prc_certification", _("PRC personal information protection certification")
    ART49_EXPLICIT_CONSENT = "art49_explicit_consent", _("Explicit consent (GDPR Art. 49(1)(a))")
    ART49_CONTRACT = "art49_contract", _("Necessary for a contract (GDPR Art. 49(1)(b))")


class Certification(models.TextChoices):
    EU_US_DPF = "eu_us_dpf", _("EU-US Data Privacy Framework")
    UK_US_DATA_BRIDGE = "uk_us_data_bridge", _("UK Extension to the EU-US DPF (UK-US data bridge)")
    SWISS_US_DPF = "swiss_us_dpf", _("Swiss-US Data Privacy Framework")


class SubjectRegion(models.TextChoices):
    """Regions a data flow's ``subjects`` may name besides ISO countries (contract §3)."""

    EEA = "EEA", _("European Economic Area")
    ROW = "ROW", _("Rest of the world")


#: The built-in sub-processor categories of policy §8: slug, English name, Chinese name.
BUILTIN_CATEGORIES = (
    ("cloud_infrastructure", "Cloud infrastructure and storage", "云基础设施与存储"),
    ("ai_model_provider", "Third-party AI model providers", "第三方 AI 模型供应商"),
    ("payment", "Payment processing", "支付处理"),
    ("email_delivery", "Email delivery", "邮件发送"),
    ("analytics", "Analytics and observability", "数据分析与可观测"),
    ("customer_support", "Customer support", "客户支持"),
)
AI_MODEL_PROVIDER = "ai_model_provider"
