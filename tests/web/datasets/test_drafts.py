"""Drafts on the mapping page come from the engine: a standard mapping for the table the request asks for
when the engine has its schema, else the engine's keep/hash draft (issue 18, items 2 and 7)."""

import datetime
from pathlib import Path

import pytest

from continuum.analysis.mapping import parse_toml
from continuum.datasets import mappings, uploads
from continuum.datasets.models import DataRequest

from .conftest import upload

FORCE = b"incident_date,force_type,resistance,officer_name,subject_name\n2021-01-02,strike,active,A B,C D\n"


def _version(site, users, table_type: str):
    request = uploads.create_request(site, users["provider_a"], DataRequest(
        title="Some data", table_type=table_type, period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 12, 31), fields_wanted="all", due_on=datetime.date(2026, 2, 1),
    ))  # fmt: skip
    return uploads.add_version(request, users["liaison_a"], upload("f.csv", FORCE))


def test_a_table_the_engine_knows_gets_a_standard_draft_for_that_table(site, users):
    doc = parse_toml(mappings.draft(_version(site, users, "use_of_force")))
    assert doc["table"] == "use_of_force"
    assert doc["columns"]["force_type"]["from"] == "force_type"
    assert doc["columns"]["officer_id_hash"]["from"] == "officer_name"


@pytest.mark.parametrize("table_type", ["other"])
def test_any_other_table_gets_the_engines_keep_and_hash_draft(site, users, table_type):
    version = _version(site, users, table_type)
    spec = mappings.parse(version, mappings.draft(version))
    assert spec.hash == ("officer_name",) and "subject_name" not in spec.keep


def test_the_standard_draft_of_a_use_of_force_export_validates_with_officers_hashed(site, users):
    """The NJ export, drafted by the engine for use of force, validates as it is: officer names are replaced
    by the site's keyed hash and columns the draft does not map (civilians' details among them) are dropped."""
    import duckdb

    from continuum.datasets import jobs

    from .conftest import NJ, run_worker

    request = uploads.create_request(
        site, users["staff"], DataRequest(title="Force", table_type="use_of_force")
    )
    head = b"".join(NJ.open("rb").readlines()[:400])
    version = uploads.add_version(request, users["liaison_a"], upload("force.csv", head))
    draft = mappings.draft(version)
    assert 'officer_id_hash = { from = "officer_name" }' in draft
    mappings.save_mapping(version, users["liaison_a"], draft)
    jobs.start_validation(version, users["liaison_a"])
    run_worker()
    version.refresh_from_db()
    assert version.status == "valid", version.error
    path = version.standard_file.path
    columns = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
    assert "officer_id_hash" in columns and "officer_name" not in columns
    assert b"Richard Meola" not in Path(path).read_bytes()
