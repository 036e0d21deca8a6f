"""The contributor's dashboard: the one next step their account's actual state calls for.

Applied with an incomplete profile -> complete it; complete -> submit; under review -> the
checks still open; active with a required guidelines refresher -> the refresher first; active
without a passed test -> the tests to take; active and qualified -> what they qualify for;
suspended -> why, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import service as assessments
from labelpool.assessments.models import AssessmentTest, RequiredRefresher, TestKind
from labelpool.assessments.retake import RetakeState
from labelpool.contributors import service
from labelpool.contributors.enums import CheckStatus, ContributorState
from labelpool.contributors.models import ContributorProfile, VerificationCheck
from labelpool.contributors.presenters import next_steps
from labelpool.contributors.review import Completeness, ProfileFacts, profile_completeness
from labelpool.guidelines.models import Guidelines
from labelpool.projects.models import Project
from labelpool.text import plural

#: The road from sign-up to work, as the dashboard's progress strip shows it.
STAGES = ("Application", "Account review", "Tests", "Work")
STATE_STAGE = {
    ContributorState.APPLIED: 0,
    ContributorState.UNDER_REVIEW: 1,
    ContributorState.ACTIVE: 2,
    ContributorState.SUSPENDED: 1,
}
STATE_BADGES = {
    ContributorState.APPLIED: "neutral",
    ContributorState.UNDER_REVIEW: "warning",
    ContributorState.ACTIVE: "success",
    ContributorState.SUSPENDED: "danger",
}
CHECK_BADGES = {
    CheckStatus.PASSED: "success",
    CheckStatus.FAILED: "danger",
    CheckStatus.NEEDS_REVIEW: "warning",
    CheckStatus.PENDING: "neutral",
}
OPEN_TEST_STATES = frozenset({RetakeState.AVAILABLE, RetakeState.IN_PROGRESS, RetakeState.COOLDOWN})
MAX_NAMED = 3


@dataclass(frozen=True)
class Line:
    """One row under the next step: a check, a test, a refresher, a missing profile part."""

    text: str
    detail: str = ""
    href: str | None = None
    badge: str | None = None
    badge_tone: str = "neutral"
    post_to: str | None = None  # a button that POSTs here (with the CSRF token)
    button: str | None = None


@dataclass(frozen=True)
class NextStep:
    key: str
    title: str
    text: str
    icon: str
    tone: str  # accent, warning, danger or success
    action: str | None = None
    href: str | None = None
    post: bool = False  # the action is a form POST to `href`
    lines_title: str = ""
    lines: list[Line] = field(default_factory=list)
    secondary: list[tuple[str, str]] = field(default_factory=list)  # (label, href) links


@dataclass(frozen=True)
class Dashboard:
    state: str  # a ContributorState value, or "not_applied"
    state_label: str
    state_badge: str
    stage: int  # index into STAGES
    done: bool  # the whole road is walked (qualified)
    step: NextStep
    stages: tuple[str, ...] = STAGES


def contributor_dashboard(db: Session, user: User) -> Dashboard:
    """The dashboard of one contributor, from the state stored now (reads only)."""
    profile = service.get_profile(db, user.id)
    if profile is None:
        return Dashboard(
            "not_applied",
            "Not applied yet",
            "neutral",
            0,
            False,
            _profile_step(profile_completeness(ProfileFacts()), started=False),
        )
    step = _step(db, user, profile)
    stage = 3 if step.key == "qualified" else STATE_STAGE[profile.state]
    return Dashboard(
        profile.state.value,
        profile.state.label,
        STATE_BADGES[profile.state],
        stage,
        step.key == "qualified",
        step,
    )


def _step(db: Session, user: User, profile: ContributorProfile) -> NextStep:
    state = profile.state
    if state == ContributorState.APPLIED:
        result = service.completeness(profile)
        return _profile_step(result, started=True) if result.missing else _submit_step()
    if state == ContributorState.UNDER_REVIEW:
        return _review_step(profile, service.checks_of(db, user.id))
    if state == ContributorState.SUSPENDED:
        return _suspended_step(db, user.id)
    return _active_step(db, user)


def _profile_step(result: Completeness, *, started: bool) -> NextStep:
    return NextStep(
        key="complete_profile",
        title="Complete your profile",
        text=(
            f"Your application profile is {result.percent}% complete. Languages, country, "
            "skills, devices and availability decide which projects you can join."
            if started
            else "Start your application: tell us about your languages, country, skills, "
            "devices and availability."
        ),
        icon="id-card",
        tone="accent",
        action="Complete your profile" if started else "Start your application",
        href="/profile",
        lines_title="Still missing",
        lines=[Line(text) for text in result.missing],
    )


def _submit_step() -> NextStep:
    return NextStep(
        key="submit_application",
        title="Submit your application",
        text=(
            "Your profile is complete. Submit it to start the account review: the automatic "
            "checks run at once, and an admin confirms your identity and languages."
        ),
        icon="check-circle",
        tone="accent",
        action="Submit application",
        href="/application",
        post=True,
        secondary=[("Review your profile first", "/profile")],
    )


def _review_step(profile: ContributorProfile, checks: list[VerificationCheck]) -> NextStep:
    open_checks = [c for c in checks if c.status != CheckStatus.PASSED]
    passed = len(checks) - len(open_checks)
    failed = any(c.status == CheckStatus.FAILED for c in open_checks)
    steps = next_steps(profile, checks)
    return NextStep(
        key="under_review",
        title="Fix what your account review asks for" if failed else "Your account is under review",
        text=f"{passed} of {len(checks)} checks passed. " + " ".join(steps),
        icon="shield",
        tone="warning",
        action="See your account review",
        href="/review",
        lines_title="Checks still open",
        lines=[
            Line(
                c.name.label,
                detail=c.reason,
                badge=c.status.label,
                badge_tone=CHECK_BADGES[c.status],
            )
            for c in open_checks
        ],
    )


def _suspended_step(db: Session, user_id: int) -> NextStep:
    change = next(
        (h for h in service.state_history(db, user_id) if h.to_state == ContributorState.SUSPENDED),
        None,
    )
    why = change.reason.strip() if change is not None and change.reason else ""
    when = f" on {change.created_at:%Y-%m-%d}" if change is not None else ""
    return NextStep(
        key="suspended",
        title="Your account is suspended",
        text=(
            f"An admin suspended your account{when}"
            + (f": “{why}”" if why else ".")
            + " You cannot take tests or work while it is suspended. If you think this is a "
            "mistake, or you have fixed the problem, contact an admin of this labelpool "
            "instance; they can reinstate your account."
        ),
        icon="lock",
        tone="danger",
        action="See your account history",
        href="/review",
    )


def _active_step(db: Session, user: User) -> NextStep:
    pending = assessments.refreshers_for(db, user)
    if pending:
        return _refresher_step(db, pending)
    cards = assessments.tests_for_taker(db, user)
    open_tests = [_test_line(c) for c in cards if _is_open(c)]
    qualified_for = _qualified_for(db, user.id)
    if qualified_for:
        return _qualified_step(qualified_for, open_tests)
    return _tests_step(open_tests)


def _is_open(card: assessments.TestCard) -> bool:
    return not card.qualified and not card.preview and card.status.state in OPEN_TEST_STATES


def _test_line(card: assessments.TestCard) -> Line:
    test = card.test
    kind = "Qualification test" if test.kind == TestKind.QUALIFICATION else "Skill test"
    questions = plural(card.question_count, "question")
    state = card.status.state
    badge, tone = {
        RetakeState.AVAILABLE: ("Open", "success"),
        RetakeState.IN_PROGRESS: ("In progress", "warning"),
        RetakeState.COOLDOWN: ("Retake later", "neutral"),
    }.get(state, (state.value.replace("_", " ").capitalize(), "neutral"))
    return Line(
        test.title,
        detail=f"{kind} · {questions} · pass mark {test.pass_mark}%",
        href=f"/tests/{test.id}",
        badge=badge,
        badge_tone=tone,
    )


def _refresher_step(db: Session, pending: list[RequiredRefresher]) -> NextStep:
    lines = [_refresher_line(db, r) for r in pending]
    return NextStep(
        key="refresher",
        title="Take the guidelines refresher first",
        text=(
            "Guidelines you qualified on changed in ways that matter. Answer the few questions "
            "on the changed sections before you take on more work on "
            + ("that project." if len(lines) == 1 else "those projects.")
        ),
        icon="alert",
        tone="warning",
        lines_title="Required refreshers",
        lines=lines,
        secondary=[("All tests", "/tests")],
    )


def _refresher_line(db: Session, refresher: RequiredRefresher) -> Line:
    test = db.get(AssessmentTest, refresher.test_id)
    project = db.get(Project, refresher.project_id)
    guidelines = db.get(Guidelines, refresher.guidelines_id)
    count = len(refresher.question_ids)
    sections = ", ".join(refresher.sections)
    return Line(
        f"{project.name if project else 'A project'}: {test.title if test else 'test'}",
        detail=(
            f"{guidelines.title if guidelines else 'Guidelines'} v{refresher.version_number} "
            f"changed {'section' if len(refresher.sections) == 1 else 'sections'} {sections}; "
            f"{plural(count, 'question')} to answer."
        ),
        href=f"/guidelines/{refresher.guidelines_id}/changes?to={refresher.version_number}",
        post_to=f"/tests/{refresher.test_id}/refresher",
        button="Take refresher",
    )


def _tests_step(open_tests: list[Line]) -> NextStep:
    if not open_tests:
        return NextStep(
            key="take_tests",
            title="Take a test",
            text=(
                "Your account is active. No test is open for you right now; new skill and "
                "qualification tests appear on the tests page as requesters publish them."
            ),
            icon="clipboard",
            tone="accent",
            action="See all tests",
            href="/tests",
        )
    return NextStep(
        key="take_tests",
        title="Take your first test",
        text=(
            "Your account is active. Pass a skill test or a project's qualification test to "
            "become eligible for work."
        ),
        icon="clipboard",
        tone="accent",
        action="See all tests",
        href="/tests",
        lines_title="Tests you can take",
        lines=open_tests,
    )


def _qualified_step(qualified_for: list[str], open_tests: list[Line]) -> NextStep:
    named = ", ".join(qualified_for[:MAX_NAMED])
    more = len(qualified_for) - MAX_NAMED
    if more > 0:
        named += f" and {more} more"
    return NextStep(
        key="qualified",
        title=f"You're qualified for {named}",
        text=(
            "Work assignment is coming soon: once it opens, the tasks of the projects you "
            "qualify for will appear here. Meanwhile, more tests widen what you can work on."
        ),
        icon="check-circle",
        tone="success",
        action="See your tests",
        href="/tests",
        lines_title="More tests you can take" if open_tests else "",
        lines=open_tests,
    )


def _qualified_for(db: Session, user_id: int) -> list[str]:
    """What the user's passed tests qualify them for, oldest first, each named once."""
    names: list[str] = []
    for qualification in assessments.qualifications_of(db, user_id):
        test = db.get(AssessmentTest, qualification.test_id)
        name = _qualification_name(db, test) if test is not None else qualification.key
        if name not in names:
            names.append(name)
    return names


def _qualification_name(db: Session, test: AssessmentTest) -> str:
    if test.project_id is not None:
        project = db.get(Project, test.project_id)
        if project is not None:
            return project.name
    if test.project_type:
        return f"{test.project_type} projects"
    return test.title
