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
