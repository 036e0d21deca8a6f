"""JSON API for accounts: who am I, tokens, users (admin), organizations."""

from __future__ import annotations

from fastapi import APIRouter, status

from labelpool.accounts import members, service
from labelpool.accounts.models import User
from labelpool.accounts.schemas import (
    MemberOut,
    MeOut,
    OrganizationOut,
    PasswordReset,
    PasswordResetOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
)
from labelpool.policy import OrganizationPolicy, actor_of, authorize
from labelpool.web.deps import AdminUser, CurrentUser, DbSession
from labelpool.web.schemas import ResourceId

router = APIRouter(tags=["accounts"])


def _organizations(db: DbSession, user: User) -> list[OrganizationOut]:
    return [
        OrganizationOut(id=o.id, name=o.name, slug=o.slug, role=role)
        for o, role in service.organizations_of(db, user)
    ]


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser, db: DbSession) -> MeOut:
    """The account making the request."""
    return MeOut(
        **UserOut.model_validate(user).model_dump(), organizations=_organizations(db, user)
    )


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(user: CurrentUser, db: DbSession) -> list[TokenOut]:
    return [TokenOut.model_validate(t) for t in service.list_api_tokens(db, user)]


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(body: TokenCreate, user: CurrentUser, db: DbSession) -> TokenCreated:
    """Create an API token. The secret is in this response only; store it safely."""
    secret, token = service.create_api_token(db, user, body.name, body.scope)
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: ResourceId, user: CurrentUser, db: DbSession) -> TokenOut:
    return TokenOut.model_validate(service.revoke_api_token(db, user, token_id))


@router.get("/organizations", response_model=list[OrganizationOut])
def my_organizations(user: CurrentUser, db: DbSession) -> list[OrganizationOut]:
    return _organizations(db, user)


@router.get("/organizations/{organization_id}/members", response_model=list[MemberOut])
def organization_members(
    organization_id: ResourceId, user: CurrentUser, db: DbSession
) -> list[MemberOut]:
    """Members of an organization you belong to (admins see every organization)."""
    authorize(actor_of(db, user), OrganizationPolicy.see_members(organization_id))
    return [
        MemberOut(user_id=u.id, display_name=u.display_name, email=u.email, role=role)
        for u, role in members.organization_members(db, organization_id)
    ]


@router.get("/users", response_model=list[UserOut])
def list_users(_admin: AdminUser, db: DbSession) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in service.list_users(db)]


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, admin: AdminUser, db: DbSession) -> UserOut:
    user = service.create_user(
        db,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        role=body.role,
        actor=admin,
    )
    return UserOut.model_validate(user)


@router.post("/users/{user_id}/password-reset", response_model=PasswordResetOut)
def reset_password(
    user_id: ResourceId, body: PasswordReset, admin: AdminUser, db: DbSession
) -> PasswordResetOut:
    """Set a new password (random unless given) and end the user's sessions."""
    user = service.get_user(db, user_id)
    password = service.reset_password(db, admin, user, body.password)
    return PasswordResetOut(user_id=user.id, password=password)
