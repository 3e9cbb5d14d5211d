"""Roster files, version 1 (contract §3): read, validate whole, merge by slug, export.

``read_roster`` turns a parsed file into a ``RosterPlan`` or raises ``RosterFileError`` listing
every problem by path; ``apply_roster`` merges a plan in one transaction, writing only what
differs; ``roster_as_of`` and ``dump_roster`` export it, now or as of a day.
"""

from .export import build_roster, dump_roster, end_of_day, roster_as_of
from .merge import apply_roster
from .plan import VERSION, RosterFileError, RosterPlan, SubProcessorPlan
from .reader import load_roster_file, read_roster

__all__ = [
    "VERSION",
    "RosterFileError",
    "RosterPlan",
    "SubProcessorPlan",
    "apply_roster",
    "build_roster",
    "dump_roster",
    "end_of_day",
    "load_roster_file",
    "read_roster",
    "roster_as_of",
]
