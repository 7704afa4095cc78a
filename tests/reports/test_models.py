"""Report versions are append-only: the database refuses to change or delete one, even past the services."""

import pytest
from django.db import DatabaseError, transaction

from s75.core.fiscal import Quarter
from s75.reports.models import ReportVersion
from s75.reports.services import report_version_create

pytestmark = pytest.mark.django_db


def test_versions_are_append_only(luton_fund):
    version = report_version_create(actor=None, fund=luton_fund, quarter=Quarter.parse("2013-14/Q2"), formats=["pdf"])
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportVersion.objects.filter(pk=version.pk).update(number=9)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportVersion.objects.filter(pk=version.pk).delete()
