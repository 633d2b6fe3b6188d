"""Role predicates and the permissions built on them (django-rules); every view names one.

Each predicate only calls its `_..._decision` function: mutation testing (`make mutation`) changes plain
functions, never decorated ones, and the ownership checks live in these bodies."""

import rules

from .roles import Role


def _is_authenticated_decision(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_authenticated(user) -> bool:
    return _is_authenticated_decision(user)


def _is_program_side_decision(user) -> bool:
    return is_authenticated(user) and user.is_program_side


@rules.predicate
def is_program_side(user) -> bool:
    return _is_program_side_decision(user)


def _is_agency_user_decision(user) -> bool:
    return is_authenticated(user) and user.is_agency_user


@rules.predicate
def is_agency_user(user) -> bool:
    return _is_agency_user_decision(user)


def _is_agency_executive_decision(user) -> bool:
    return is_authenticated(user) and user.role == Role.AGENCY_EXECUTIVE


@rules.predicate
def is_agency_executive(user) -> bool:
    return _is_agency_executive_decision(user)


def _is_provider_user_decision(user) -> bool:
    return is_authenticated(user) and user.is_provider_user


@rules.predicate
def is_provider_user(user) -> bool:
    return _is_provider_user_decision(user)


def _is_member_of_decision(user, organization) -> bool:
    return is_authenticated(user) and organization is not None and user.organization_id == organization.pk


@rules.predicate
def is_member_of(user, organization) -> bool:
    return _is_member_of_decision(user, organization)


rules.add_perm("accounts.use_workspace", is_authenticated)


# Invitations (continuum.accounts.invitations holds who may grant which role).
def _may_invite_to_decision(user, organization) -> bool:
    from .invitations import grantable_roles

    return bool(grantable_roles(user, organization))


@rules.predicate
def may_invite_to(user, organization) -> bool:
    return _may_invite_to_decision(user, organization)


def _may_manage_invitation_decision(user, invitation) -> bool:
    from .invitations import may_manage

    return may_manage(user, invitation)


@rules.predicate
def may_manage_invitation(user, invitation) -> bool:
    return _may_manage_invitation_decision(user, invitation)


def _may_remove_member_decision(user, member) -> bool:
    from .invitations import may_remove

    return may_remove(user, member)


@rules.predicate
def may_remove_member(user, member) -> bool:
    return _may_remove_member_decision(user, member)


rules.add_perm("accounts.invite", may_invite_to)
rules.add_perm("accounts.manage_invitation", may_manage_invitation)
rules.add_perm("accounts.remove_member", may_remove_member)
