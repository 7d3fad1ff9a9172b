"""The invitation repository's contract: lookups by id, token digest, and the one pending per address."""

from __future__ import annotations

from dataclasses import replace

from domain.access import ProjectRole
from domain.ids import new_id
from domain.invitations import Invitation, InvitationStatus
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_project, an_admin


async def test_invitations_round_trip_and_are_found_by_digest_and_pending_address(backend: Backend) -> None:
    admin = an_admin()
    project, other = a_project(admin), a_project(admin, "other")
    pending = Invitation.send(project.id, "nina@example.com", ProjectRole.MANAGER, admin.id, "a" * 64, T0)
    used = replace(
        Invitation.send(project.id, "omar@example.com", ProjectRole.MEMBER, admin.id, "b" * 64, T0),
        status=InvitationStatus.ACCEPTED,
        ended_at=T0 + MINUTE,
    )
    elsewhere = Invitation.send(other.id, "nina@example.com", ProjectRole.MEMBER, admin.id, "c" * 64, T0)
    await backend.seed(admin, project, other, pending, used, elsewhere)
    async with backend.uow() as uow:
        assert await uow.invitations.get(pending.id, for_update=True) == pending
        assert await uow.invitations.get(new_id()) is None
        assert await uow.invitations.get_by_digest("b" * 64) == used
        assert await uow.invitations.get_by_digest("d" * 64, for_update=True) is None
        assert await uow.invitations.pending_for(project.id, "nina@example.com", for_update=True) == pending
        assert await uow.invitations.pending_for(project.id, "omar@example.com") is None
        found = await uow.invitations.get(used.id)
        assert found is not None
        assert (type(found.role), type(found.status)) == (ProjectRole, InvitationStatus)
        pending.revoke(T0 + MINUTE)
        await uow.invitations.update(pending)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.invitations.get(pending.id) == pending
        assert await uow.invitations.pending_for(project.id, "nina@example.com") is None
