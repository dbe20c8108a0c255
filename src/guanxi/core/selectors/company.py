"""Reads of the company profile 公司信息 (one row, readable by everyone signed in: it is what
every printed document says about us)."""

from guanxi.core.models import CompanyProfile
from guanxi.core.models.company import SINGLETON_ID


def company_profile_get() -> CompanyProfile:
    """The company profile; an empty, unsaved one until an administrator fills it in."""
    found = CompanyProfile.objects.filter(pk=SINGLETON_ID).first()
    return found if found is not None else CompanyProfile(pk=SINGLETON_ID, version=0)
