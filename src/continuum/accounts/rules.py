"""Role predicates and the permissions built on them (django-rules); every view names one."""

import rules

from .roles import Role


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_program_side(user) -> bool:
    return is_authenticated(user) and user.is_program_side


@rules.predicate
def is_administrator(user) -> bool:
    return is_authenticated(user) and user.role == Role.ADMINISTRATOR


@rules.predicate
def is_agency_user(user) -> bool:
    return is_authenticated(user) and user.is_agency_user


@rules.predicate
def is_agency_executive(user) -> bool:
    return is_authenticated(user) and user.role == Role.AGENCY_EXECUTIVE


@rules.predicate
def is_provider_user(user) -> bool:
    return is_authenticated(user) and user.is_provider_user


@rules.predicate
def is_member_of(user, organization) -> bool:
    return is_authenticated(user) and organization is not None and user.organization_id == organization.pk


rules.add_perm("accounts.use_workspace", is_authenticated)


# Invitations (continuum.accounts.invitations holds who may grant which role).
@rules.predicate
def may_invite_to(user, organization) -> bool:
    from .invitations import grantable_roles

    return bool(grantable_roles(user, organization))


@rules.predicate
def may_manage_invitation(user, invitation) -> bool:
    from .invitations import may_manage

    return may_manage(user, invitation)


@rules.predicate
def may_remove_member(user, member) -> bool:
    from .invitations import may_remove

    return may_remove(user, member)


rules.add_perm("accounts.invite", may_invite_to)
rules.add_perm("accounts.manage_invitation", may_manage_invitation)
rules.add_perm("accounts.remove_member", may_remove_member)
