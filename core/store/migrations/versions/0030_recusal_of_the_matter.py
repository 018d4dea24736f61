"""Recusal of the matter: every petition joined or linked to an accusation carries its recusals,
as core.cases.lifecycle now records them (issue 29, 1) — rows filed before are given theirs; one that sits
with a unit it now accuses is taken back to the bureau, as 被反映 does. Nothing is deleted.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

HANDLING = ("assigned", "accepted", "replied")


def upgrade() -> None:
    conn = op.get_bind()
    now = datetime.now(timezone.utc)
    # spread along repeat_of both ways until nothing is added (a matter is a few rows deep)
    for _ in range(50):
        added = 0
        for near, far in (("p.repeat_of_id", "p.id"), ("p.id", "p.repeat_of_id")):
            added += conn.execute(sa.text(f"""
                INSERT INTO recusal (petition_id, unit_id, person_id, at, actor)
                SELECT DISTINCT {far}, r.unit_id, r.person_id, :now, 'system'
                FROM petition p JOIN recusal r ON r.petition_id = {near}
                WHERE p.repeat_of_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM recusal o WHERE o.petition_id = {far}
                    AND (o.unit_id = r.unit_id OR (o.unit_id IS NULL AND r.unit_id IS NULL))
                    AND (o.person_id = r.person_id OR (o.person_id IS NULL AND r.person_id IS NULL)))
            """), {"now": now}).rowcount or 0
        if not added:
            break
    conn.execute(sa.text("UPDATE petition SET accusation = :yes WHERE accusation = :no AND EXISTS "
                         "(SELECT 1 FROM recusal r WHERE r.petition_id = petition.id)"), {"yes": True, "no": False})
    # a petition now with a unit it accuses goes back to the bureau (core.cases.lifecycle.recuse's take_back)
    taken = conn.execute(sa.text("""
        SELECT p.id, u.name FROM petition p JOIN unit u ON u.id = p.unit_id
        WHERE p.status IN :handling AND EXISTS (
            SELECT 1 FROM recusal r WHERE r.petition_id = p.id AND r.unit_id = p.unit_id)
    """).bindparams(sa.bindparam("handling", expanding=True)), {"handling": list(HANDLING)}).all()
    for pid, unit in taken:
        # due_next now: the sweep looks at it at once (with the bureau, only 交办 is due)
        conn.execute(sa.text("UPDATE petition SET status = 'registered', unit_id = NULL, assigned_at = NULL, "
                             "accepted_at = NULL, met_at = NULL, complexity = NULL, due_next = :now WHERE id = :id"),
                     {"id": pid, "now": now})
        conn.execute(sa.text("INSERT INTO petition_event (petition_id, at, kind, actor, text) "
                             "VALUES (:id, :now, 'taken_back', 'system', :unit)"),
                     {"id": pid, "now": now, "unit": f"{unit}（同一事项的检举控告）"})
    _facts(conn, [pid for pid, _ in taken])


def _facts(conn, ids: list[int]) -> None:
    """The measures' bits of the rows taken back (core.facts: a held accusation has no unit's step
    due), as the ORM's flush would have set them."""
    from core.facts import facts_of   # as 0005 does: the one definition of the bits

    if not ids:
        return
    petition = sa.Table("petition", sa.MetaData(), autoload_with=conn)
    for row in conn.execute(sa.select(petition).where(petition.c.id.in_(ids))):
        conn.execute(sa.update(petition).where(petition.c.id == row.id).values(facts=facts_of(row)))


def downgrade() -> None:
    """The recusals stay: an accusation is never shown to the accused again by a downgrade."""
