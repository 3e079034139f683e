"""register: a document's issuer key names the body above the issuer too ("SỞ TƯ PHÁP / UBND TỈNH BẮC GIANG"),
so that one province's Sở is not another's when a document registered twice is looked for (the number and the
year are compared beside it). The keys of the documents registered before are written again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from registry.register_line import issuer_key

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DOCUMENTS = sa.table("documents", sa.column("id", sa.Integer), sa.column("organ_name", sa.String),
                     sa.column("organ_parent", sa.String), sa.column("issuer_key", sa.String))


def _rekey(with_parent: bool) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(DOCUMENTS.c.id, DOCUMENTS.c.organ_name, DOCUMENTS.c.organ_parent)
                              .where(DOCUMENTS.c.organ_parent.is_not(None), DOCUMENTS.c.organ_name.is_not(None)))
    for id_, name, parent in rows.all():
        key = issuer_key(name, parent if with_parent else None)
        connection.execute(sa.update(DOCUMENTS).where(DOCUMENTS.c.id == id_).values(issuer_key=key))


def upgrade() -> None:
    _rekey(with_parent=True)


def downgrade() -> None:
    _rekey(with_parent=False)
