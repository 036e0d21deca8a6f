"""Alembic environment: runs against the connection handed over in `config.attributes`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from labelpool.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from labelpool.config import get_settings
    from labelpool.db.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or get_settings().sqlalchemy_url)
    with engine.connect() as conn:
        run_with(conn)
    engine.dispose()


run_migrations_online()
