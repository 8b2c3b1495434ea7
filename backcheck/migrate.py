"""Schema migrations from the command line (for developers): ``python -m backcheck.migrate CMD``.

The database is the one BackCheck uses (BACKCHECK_DB_URL, else BACKCHECK_DB_PATH, else
data/backcheck.db). Commands:

  upgrade [head]               bring the database to the newest schema, as BackCheck does when it
                               starts (migration lock, .bak copy of an SQLite file first)
  current | history | heads    Alembic's reports
  check                        fail if the models (backcheck/storage.py) differ from the database
  revision -m "what" --autogenerate
                               write the next numbered revision (0004, 0005, ...) into
                               backcheck/migrations/versions/ from the difference; read and edit it
  downgrade REV | stamp REV    Alembic's commands, on a copy of your data only

Any other Alembic command and option works the same way (``python -m backcheck.migrate --help``
lists them). No alembic.ini is needed.
"""

from __future__ import annotations

import sys

from alembic.config import CommandLine

from . import migrations
from .storage import SCHEMA_VERSION, Store, StorageError, database_url


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") and len(args) == 1:
        print(__doc__)
        if not args:
            return 0
    try:
        if args and args[0] == "upgrade" and "--sql" not in args:
            store = Store()
            was = store.migrated_from
            done = ("already at the newest schema" if was is None else "created" if was == "new"
                    else f"upgraded from schema {int(was)}")
            print(f"Database at schema {SCHEMA_VERSION} (revision {migrations.head()}): {done}.")
            return 0
        if args and args[0] == "revision" and "--rev-id" not in args:
            args += ["--rev-id", f"{int(migrations.head()) + 1:04d}"]  # revisions are numbered: 0004 = schema 4
        cli = CommandLine(prog="python -m backcheck.migrate")
        options = cli.parser.parse_args(args)
        if not hasattr(options, "cmd"):
            cli.parser.print_help()
            return 2
        cli.run_cmd(migrations.config(url=database_url()), options)
        return 0
    except StorageError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
