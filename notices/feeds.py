"""The Atom feed of published notices (``/sub-processors/feed/``, ``/zh-hans/...``)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .selectors import notices_public

FEED_SIZE = 50


class NoticeFeed(Feed):
    feed_type = Atom1Feed
    title = _("Sub-processor changes")
    subtitle = _("Notices of material changes to our list of sub-processors.")

    def link(self):
        return reverse("public:list")

    def feed_url(self):
        return reverse("notices:feed")

    def items(self):
        return notices_public()[:FEED_SIZE]

    def item_title(self, item):
        return item.title_in(translation.get_language())

    def item_description(self, item):
        return item.body_in(translation.get_language())

    def item_link(self, item):
        return reverse("notices:detail", kwargs={"pk": item.pk})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
