"""BackCheck's schema migrations (Alembic), run from inside the app.

The revisions live in ``versions/`` beside this file and are numbered: revision ``0003`` is
schema 3, and so on (``backcheck.storage.SCHEMA_VERSION`` is the head's number). ``env.py`` is
the usual Alembic environment; :class:`backcheck.storage.Store` runs it on its own connection,
inside its own transaction and migration lock, so no ``alembic.ini`` is needed at run time.
Developers get the ``alembic`` commands through ``python -m backcheck.migrate``.

- SQLite runs in batch mode (``render_as_batch``): an ALTER that SQLite lacks becomes "copy the
  table, move the rows, swap", with ``PRAGMA foreign_keys=OFF`` around it (Store does that), so
  the copy of a parent table does not cascade-delete its children.
- Constraint names come from ``backcheck.storage.NAMING_CONVENTION`` (PostgreSQL's own default
  names), so a later migration can name what it drops on every engine.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"


def config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic Config for this package (no ini file). The URL travels in ``attributes``,
    never in the config's text, so a password with '%' in it needs no escaping and is never printed."""
    cfg = Config(stdout=sys.stdout)  # the stream of now (Alembic's default is bound at import)
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["url"] = url
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    """The revisions, read once per process (Store opens it on every start)."""
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The one head revision (tests check there is exactly one)."""
    heads = script_directory().get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"The migrations have {len(heads)} heads ({', '.join(heads)}); merge them into one.")
    return heads[0]


def known(revision: str) -> bool:
    try:
        return script_directory().get_revision(revision) is not None
    except Exception:  # alembic raises ResolutionError / CommandError for unknown ids
        return False


def current_revision(conn: Connection) -> str | None:
    """The revision recorded in the database's alembic_version table (None if there is none)."""
    return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def stamp(conn: Connection, revision: str) -> None:
    """Record ``revision`` as the database's revision without running anything (for databases made
    by BackCheck before Alembic, whose schema version in ``meta`` says which revision they match)."""
    MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).stamp(script_directory(), revision)


def adopt_legacy(conn: Connection) -> list[str]:
    """Give a pre-Alembic SQLite database's constraints the convention's names, before it is stamped.

    BackCheck's tables made by ``create_all`` before the naming convention have unnamed primary
    keys, foreign keys and unique constraints on SQLite (PostgreSQL named them itself, with the very
    names the convention gives). A batch copy of each table (``recreate="always"`` with the
    convention) names them, so the database is then exactly what the revisions up to its version
    make, and a later migration can drop a constraint by name. Needs foreign keys off (Store's
    upgrade transaction has them off). Returns the tables copied.
    """
    if conn.dialect.name != "sqlite":
        return []
    from alembic.operations import Operations
    from sqlalchemy import inspect

    from ..storage import NAMING_CONVENTION, metadata

    existing = set(inspect(conn).get_table_names())
    operations = Operations(MigrationContext.configure(conn, opts={"render_as_batch": True}))
    copied = []
    for table in metadata.sorted_tables:
        if table.name in existing:
            with operations.batch_alter_table(table.name, recreate="always", naming_convention=NAMING_CONVENTION):
                pass
            copied.append(table.name)
    return copied


def upgrade(conn: Connection, destination: str = "head",
            on_version_apply: Callable[..., Any] | None = None) -> None:
    """Run the revisions from the database's current one up to ``destination`` on ``conn``.

    When ``conn`` is already in a transaction (Store's), everything runs inside it: a failing
    revision rolls the whole upgrade back, stamp included.
    """
    script = script_directory()
    cfg = config(connection=conn)
    cfg.attributes["on_version_apply"] = on_version_apply

    def fn(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(destination, rev)

    with EnvironmentContext(cfg, script, fn=fn, destination_rev=destination):
        script.run_env()


def downgrade(conn: Connection, destination: str) -> None:
    """Run the downgrades down to ``destination`` ("base" = empty). For tests and developers only:
    the app never downgrades."""
    script = script_directory()
    cfg = config(connection=conn)

    def fn(rev: Any, _context: Any) -> Any:
        return script._downgrade_revs(destination, rev)

    with EnvironmentContext(cfg, script, fn=fn, destination_rev=destination):
        script.run_env()


def compare(conn: Connection) -> list:
    """What autogenerate would change to make the database match the models ([] = they match)."""
    from alembic.autogenerate import compare_metadata

    from ..storage import metadata

    context = MigrationContext.configure(conn, opts=context_options(conn))
    return compare_metadata(context, metadata)


def context_options(conn: Connection) -> dict:
    """The options env.py configures Alembic with (shared with compare())."""
    from ..storage import metadata

    return {
        "target_metadata": metadata,
        "render_as_batch": conn.dialect.name == "sqlite",  # SQLite lacks most ALTERs: copy-and-move
        "compare_type": True,
        "compare_server_default": True,
        "version_table": VERSION_TABLE,
    }
