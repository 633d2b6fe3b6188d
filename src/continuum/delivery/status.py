"""Site-level delivery signals for lists and filters: which sites are silent, which have late milestones."""

from .contact import silent_site_ids
from .milestones import late_milestone_site_ids

__all__ = ["late_milestone_site_ids", "silent_site_ids"]
