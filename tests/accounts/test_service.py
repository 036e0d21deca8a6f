"""Account rules: unique e-mails, strong-enough passwords, hashed secrets, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts import service
from labelpool.accounts.models import ApiToken, LoginSession, User
from labelpool.accounts.roles import Role
from labelpool.audit.models import AuditEvent
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotAuthenticated, RateLimited
from tests.factories import PASSWORD, make_organization, make_user


def test_passwords_are_stored_as_argon2id_hashes(db: Session) -> None:
    user = make_user(db, email="ana@example.org")
    stored = db.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_emails_are_case_insensitive_and_unique(db: Session) -> None:
    make_user(db, email="Ana@Example.org")
    with pytest.raises(Conflict, match="already exists"):
        make_user(db, email="ana@example.ORG")


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("email", {"email": "not-an-email"}, "not an e-mail address"),
        ("password", {"password": "short"}, "at least 10 characters"),
        ("password", {"password": "aaaaaaaaaaaa"}, "too simple"),
        ("display_name", {"display_name": "   "}, "must not be empty"),
    ],
)
def test_bad_account_fields_name_the_field(
    db: Session, field: str, kwargs: dict[str, str], message: str
) -> None:
    values = {"email": "ok@example.org", "password": PASSWORD, "display_name": "Ok"} | kwargs
    with pytest.raises(InvalidInput, match=message) as caught:
        service.create_user(
            db,
            email=values["email"],
            password=values["password"],
            display_name=values["display_name"],
        )
    assert caught.value.details == {"field": field}


def test_authenticate_accepts_the_right_password_only(db: Session) -> None:
    user = make_user(db, email="ana@example.org")
    assert service.authenticate(db, "ANA@example.org", PASSWORD, ip_address="1.1.1.1") == user
    with pytest.raises(NotAuthenticated, match="wrong"):
        service.authenticate(db, "ana@example.org", "wrong password!", ip_address="1.1.1.1")
    with pytest.raises(NotAuthenticated, match="wrong"):
        service.authenticate(db, "nobody@example.org", PASSWORD, ip_address="1.1.1.1")


def test_an_account_made_without_a_password_logs_in_only_after_a_reset(db: Session) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = service.create_user(
        db, email="imported@example.org", password=None, display_name="Imported", actor=admin
    )
    for n, guess in enumerate(("", user.password_hash)):
        with pytest.raises(NotAuthenticated):
            service.authenticate(db, "imported@example.org", guess, ip_address=f"1.1.1.{n}")
    service.reset_password(db, admin, user, PASSWORD)
    assert service.authenticate(db, "imported@example.org", PASSWORD, ip_address="1.1.2.1") == user


def test_inactive_users_cannot_log_in(db: Session) -> None:
    user = make_user(db, email="ana@example.org")
    user.is_active = False
    db.commit()
    with pytest.raises(NotAuthenticated):
        service.authenticate(db, "ana@example.org", PASSWORD, ip_address="1.1.1.1")


def test_rate_limit_per_account_blocks_even_the_right_password(db: Session) -> None:
    make_user(db, email="ana@example.org")
    limits = service.RateLimits(max_failures_per_account=3, max_failures_per_address=100)
    now = datetime.now(UTC)
    for i in range(3):
        with pytest.raises(NotAuthenticated):
            service.authenticate(
                db,
                "ana@example.org",
                "bad password",
                ip_address=f"10.0.0.{i}",
                limits=limits,
                now=now,
            )
    with pytest.raises(RateLimited, match="this account") as caught:
        service.authenticate(
            db, "ana@example.org", PASSWORD, ip_address="10.0.0.9", limits=limits, now=now
        )
    assert 0 < caught.value.retry_after_seconds <= 15 * 60 + 1
    later = now + limits.window + timedelta(seconds=1)
    assert service.authenticate(
        db, "ana@example.org", PASSWORD, ip_address="10.0.0.9", limits=limits, now=later
    )


def test_rate_limit_per_address_spans_accounts(db: Session) -> None:
    make_user(db, email="victim@example.org")
    limits = service.RateLimits(max_failures_per_account=100, max_failures_per_address=4)
    now = datetime.now(UTC)
    for i in range(4):
        with pytest.raises(NotAuthenticated):
            service.authenticate(
                db,
                f"guess{i}@example.org",
                "bad password",
                ip_address="6.6.6.6",
                limits=limits,
                now=now,
            )
    with pytest.raises(RateLimited, match="your address"):
        service.authenticate(
            db, "victim@example.org", PASSWORD, ip_address="6.6.6.6", limits=limits, now=now
        )
    assert service.authenticate(
        db, "victim@example.org", PASSWORD, ip_address="7.7.7.7", limits=limits, now=now
    )


def test_a_successful_login_clears_the_account_failures(db: Session) -> None:
    make_user(db, email="ana@example.org")
    limits = service.RateLimits(max_failures_per_account=2, max_failures_per_address=100)
    now = datetime.now(UTC)
    with pytest.raises(NotAuthenticated):
        service.authenticate(
            db, "ana@example.org", "bad password", ip_address="1.1.1.1", limits=limits, now=now
        )
    service.authenticate(
        db,
        "ana@example.org",
        PASSWORD,
        ip_address="1.1.1.1",
        limits=limits,
        now=now + timedelta(seconds=1),
    )
    with pytest.raises(NotAuthenticated):
        service.authenticate(
            db,
            "ana@example.org",
            "bad password",
            ip_address="1.1.1.1",
            limits=limits,
            now=now + timedelta(seconds=2),
        )
    assert service.authenticate(
        db,
        "ana@example.org",
        PASSWORD,
        ip_address="1.1.1.1",
        limits=limits,
        now=now + timedelta(seconds=3),
    )


def test_api_tokens_are_stored_hashed_and_can_be_revoked(db: Session) -> None:
    user = make_user(db)
    secret, token = service.create_api_token(db, user, "import script")
    db.commit()
    assert secret.startswith("lp_") and token.prefix == secret[:10]
    stored = db.scalars(select(ApiToken.token_hash)).all()
    assert secret not in stored and len(stored[0]) == 64
    assert service.user_for_api_token(db, secret) == user
    service.revoke_api_token(db, user, token.id)
    assert service.user_for_api_token(db, secret) is None


def test_using_a_credential_is_recorded_at_most_once_a_minute(db: Session) -> None:
    user = make_user(db)
    secret, token = service.create_api_token(db, user, "import script")
    cookie = service.start_session(db, user)
    db.commit()
    credential = service.api_token_credential(db, secret)
    assert credential is not None and credential.touch_due and token.last_used_at is None
    now = utcnow()
    service.touch_credential(db, credential, now)
    service.touch_credential(db, credential, now + timedelta(seconds=30))
    db.commit()
    db.refresh(token)
    assert token.last_used_at == now
    fresh = service.api_token_credential(db, secret)
    assert fresh is not None and not fresh.touch_due

    login = service.session_credential(db, cookie)
    assert login is not None and not login.touch_due  # just started
    later = now + timedelta(minutes=2)
    service.touch_credential(db, login, later)
    db.commit()
    seen = db.scalar(select(LoginSession.last_seen_at).where(LoginSession.user_id == user.id))
    assert seen == later


def test_users_cannot_revoke_each_others_tokens(db: Session) -> None:
    owner, other = make_user(db), make_user(db)
    _, token = service.create_api_token(db, owner, "mine")
    from labelpool.errors import NotFound

    with pytest.raises(NotFound):
        service.revoke_api_token(db, other, token.id)


def test_password_reset_ends_sessions_and_is_audited(db: Session) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = make_user(db, email="ana@example.org")
    cookie = service.start_session(db, user)
    db.commit()
    assert service.user_for_session(db, cookie) == user
    new_password = service.reset_password(db, admin, user)
    db.commit()
    assert service.user_for_session(db, cookie) is None
    assert db.scalar(select(LoginSession).where(LoginSession.user_id == user.id)) is None
    assert service.authenticate(db, "ana@example.org", new_password, ip_address="1.1.1.1")
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset"))
    assert event is not None and event.actor_id == admin.id and event.target_id == user.id


def test_expired_sessions_are_not_accepted(db: Session) -> None:
    user = make_user(db)
    cookie = service.start_session(db, user, days=0)
    db.commit()
    assert service.user_for_session(db, cookie) is None


def test_organization_slugs_are_unique(db: Session) -> None:
    first = make_organization(db, "Acme AI")
    second = make_organization(db, "Acme  AI!")
    assert (first.slug, second.slug) == ("acme-ai", "acme-ai-2")


def test_timestamps_come_back_timezone_aware_utc(db: Session) -> None:
    user = make_user(db)
    db.expire_all()
    reloaded = db.get(User, user.id)
    assert reloaded is not None and reloaded.created_at.tzinfo is not None
    assert reloaded.created_at.utcoffset() == timedelta(0)
