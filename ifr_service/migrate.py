"""Run the Alembic migrations in `migrations/` against the configured database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from ifr_service.config import Config


def alembic_config(config: Config) -> AlembicConfig:
    alembic = AlembicConfig()
    alembic.set_main_option("script_location", str(config.migrations_dir))
    alembic.set_main_option("sqlalchemy.url", config.database_url.replace("%", "%%"))
    # For data migrations that recompute a pseudonym (0017): the key is never written to a file.
    alembic.attributes["pseudonym_key"] = config.pseudonym_key
    return alembic


def upgrade(config: Config, revision: str = "head") -> None:
    command.upgrade(alembic_config(config), revision)


def downgrade(config: Config, revision: str) -> None:
    command.downgrade(alembic_config(config), revision)
