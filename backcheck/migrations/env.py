"""Alembic environment for BackCheck (see backcheck/migrations/__init__.py).

Run by Store with ``config.attributes["connection"]`` set (the app's own connection, already in
its transaction and under the migration lock), or by ``python -m backcheck.migrate`` for a
developer's command, which makes its own engine from the configured database URL.
"""

from __future__ import annotations

from alembic import context

from backcheck.migrations import context_options

config = context.config


def run(connection) -> None:
    options = context_options(connection)
    on_apply = config.attributes.get("on_version_apply")
    if on_apply is not None:
        options["on_version_apply"] = on_apply
    context.configure(connection=connection, **options)
    with context.begin_transaction():  # a no-op when Store's transaction is already open
        context.run_migrations()


if context.is_offline_mode():  # `python -m backcheck.migrate upgrade --sql`: print the SQL
    from backcheck.storage import database_url, metadata

    url = config.attributes.get("url") or database_url()
    context.configure(url=url, target_metadata=metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"), version_table="alembic_version")
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    run(config.attributes["connection"])
else:
    from backcheck.storage import Store, database_url

    engine = Store._make_engine(config.attributes.get("url") or database_url())
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":  # batch copies must not cascade (outside a transaction)
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            run(connection)
            connection.commit()
    finally:
        engine.dispose()
