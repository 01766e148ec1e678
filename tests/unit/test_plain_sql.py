"""The statements a command's own transaction runs are plain SQL (so a cast needs no
SQLAlchemy, see `adapters/readmodels/driver.py`); they must name the columns the tables have,
and the recorded shape of the tables must be this release's."""

from __future__ import annotations

from adapters.readmodels import tally_view
from adapters.readmodels.driver import Sql
from adapters.readmodels.positions import SCHEMA_FINGERPRINT
from adapters.readmodels.tables import (
    schema_fingerprint,
    tally_consultations,
    tally_provinces,
    tally_voters,
)


def test_the_recorded_shape_is_the_tables_shape() -> None:
    assert schema_fingerprint() == SCHEMA_FINGERPRINT


def test_the_tally_inserts_name_every_column_of_their_table_in_order() -> None:
    for columns, table in (
        (tally_view.CONSULTATION_COLUMNS, tally_consultations),
        (tally_view.PROVINCE_COLUMNS, tally_provinces),
        (tally_view.VOTER_COLUMNS, tally_voters),
    ):
        assert columns == tuple(c.name for c in table.columns)


def test_a_template_names_tables_qualified_on_postgresql_and_binds_by_name() -> None:
    statement = Sql("UPDATE {tally_voters} SET choice = :choice WHERE member = :m")
    assert statement.render(postgres=False, schema=None) == (
        "UPDATE tally_voters SET choice = :choice WHERE member = :m"
    )
    assert statement.render(postgres=True, schema="s1") == (
        'UPDATE "s1".tally_voters SET choice = %(choice)s WHERE member = %(m)s'
    )
