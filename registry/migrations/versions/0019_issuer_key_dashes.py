"""register: a document's issuer key writes every dash as a hyphen, and its letters as printed (NFKC, look-alike
letters of other scripts), so that the same letter printed with an en dash, a hyphen or OCR's reading of either is
known as one (red team 109: it was numbered twice). The keys of the documents registered before are written again:
the issuer's from the issuer as printed, the directory agency's and the copier's (kept folded only) their dashes made
hyphens. Downgrading leaves the keys as they are.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 16:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from registry.register_line import issuer_key
from vntext import plain_dashes

revision: str = "0019"
down_revision: Union[str, Sequence[str], None] = "0018"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DOCUMENTS = sa.table("documents", sa.column("id", sa.Integer), sa.column("organ_name", sa.String),
                     sa.column("organ_parent", sa.String), sa.column("issuer_key", sa.String),
                     sa.column("agency_key", sa.String), sa.column("copier", sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(DOCUMENTS.c.id, DOCUMENTS.c.organ_name, DOCUMENTS.c.organ_parent,
                                        DOCUMENTS.c.issuer_key, DOCUMENTS.c.agency_key, DOCUMENTS.c.copier))
    for id_, name, parent, key, agency_key, copier in rows.all():
        now = {"issuer_key": (issuer_key(name, parent) or "")[:500] or None,
               "agency_key": plain_dashes(agency_key) if agency_key else agency_key,
               "copier": plain_dashes(copier) if copier else copier}
        if (now["issuer_key"], now["agency_key"], now["copier"]) != (key, agency_key, copier):
            connection.execute(sa.update(DOCUMENTS).where(DOCUMENTS.c.id == id_).values(**now))


def downgrade() -> None:
    pass
