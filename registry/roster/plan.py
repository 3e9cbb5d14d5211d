"""A validated roster file (contract §3, version 1) as model field values: the plan that the
reader produces and the merge applies. Child rows have no identity of their own in a file, so
each is matched by its whole value (the key functions)."""

from dataclasses import dataclass, field

from registry.models import Location, Safeguard, TransferAssessment

VERSION = 1


class RosterFileError(Exception):
    """A roster file that cannot be used; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class SubProcessorPlan:
    slug: str
    fields: dict  # SubProcessor field values; "category" holds the category slug
    locations: list[dict] = field(default_factory=list)
    safeguards: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    flows: list[dict] = field(default_factory=list)


@dataclass
class RosterPlan:
    categories: list[dict] = field(default_factory=list)
    sub_processors: list[SubProcessorPlan] = field(default_factory=list)


# Child lists of a sub-processor: file key, model, and the key that identifies a row's value.
def location_key(row):
    return (str(row["country"]), row.get("region") or "", row.get("city") or "")


def safeguard_key(row):
    return (row["kind"], row.get("module"), row.get("signed"))


def assessment_key(row):
    return (str(row["country"]), row["completed"])


def flow_key(row):
    return (
        tuple(row["data_categories"]),
        tuple(row["subjects"]),
        tuple(row["countries"]),
        row.get("purpose") or "",
    )


CHILDREN = (
    ("locations", Location, location_key),
    ("safeguards", Safeguard, safeguard_key),
    ("assessments", TransferAssessment, assessment_key),
)

