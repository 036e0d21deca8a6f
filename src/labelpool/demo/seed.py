"""Seed a demo organization and users. Idempotent: running it again adds nothing."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.contributors.enums import Proficiency
from labelpool.contributors.settings import ReviewSettings
from labelpool.demo import samples
from labelpool.eligibility.rules import LanguageRule, Requirements
from labelpool.eligibility.service import save_requirements
from labelpool.media.service import store_media_bytes
from labelpool.media.storage import MediaStorage, storage_from_settings
from labelpool.projects import service as projects
from labelpool.projects.importing.service import import_file
from labelpool.projects.models import ImportStatus, Project, ProjectStatus
from labelpool.projects.templates import get_template

DEMO_ORGANIZATION = "Acme AI Lab"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    display_name: str


DEMO_LOGINS = (
    DemoLogin(Role.ADMIN, "admin@demo.labelpool.dev", "demo-admin-2026", "Ada Admin"),
    DemoLogin(
        Role.REQUESTER, "requester@demo.labelpool.dev", "demo-requester-2026", "Rita Requester"
    ),
    DemoLogin(
        Role.REVIEWER, "reviewer@demo.labelpool.dev", "demo-reviewer-2026", "Victor Reviewer"
    ),
    DemoLogin(
        Role.CONTRIBUTOR, "amara@demo.labelpool.dev", "demo-contributor-2026", "Amara Okafor"
    ),
    DemoLogin(Role.CONTRIBUTOR, "lucas@demo.labelpool.dev", "demo-contributor-2026", "Lucas Silva"),
    DemoLogin(Role.CONTRIBUTOR, "mei@demo.labelpool.dev", "demo-contributor-2026", "Mei Tanaka"),
)


def _organization(db: Session) -> Organization:
    existing = db.scalar(select(Organization).where(Organization.name == DEMO_ORGANIZATION))
    return existing or accounts.create_organization(db, DEMO_ORGANIZATION)


def seed_demo(db: Session, settings: Settings | None = None) -> list[DemoLogin]:
    """Create what is missing of the demo and return the demo logins.

    With `settings`, also seed one active project per task family, with media made locally.
    """
    organization = _organization(db)
    for login in DEMO_LOGINS:
        user: User | None = accounts.get_user_by_email(db, login.email)
        if user is None:
            user = accounts.create_user(
                db,
                email=login.email,
                password=login.password,
                display_name=login.display_name,
                role=login.role,
            )
        if login.role in (Role.ADMIN, Role.REQUESTER, Role.REVIEWER):
            accounts.add_membership(db, user, organization, login.role)
    if settings is not None:
        requester = accounts.get_user_by_email(db, DEMO_LOGINS[1].email)
        assert requester is not None
        DemoProjects(db, requester, organization, storage_from_settings(settings)).seed()
        seed_contributors(db, settings.review)
        seed_tests(db, requester, organization)
    return list(DEMO_LOGINS)


def _profile(
    country: str, languages: list[tuple[str, str]], domain: str, zone: str, hours: int
) -> Any:
    from labelpool.contributors.enums import DeviceKind, OperatingSystem
    from labelpool.contributors.service import ProfileInput

    return ProfileInput(
        country=country,
        languages=[(code, Proficiency(level)) for code, level in languages],
        primary_domain=domain,
        secondary_skills=["search-evaluation"] if domain != "search-evaluation" else [],
        experience="Annotated product reviews and search results for two years.",
        devices=[
            (DeviceKind.LAPTOP, OperatingSystem.WINDOWS),
            (DeviceKind.PHONE, OperatingSystem.ANDROID),
        ],
        headphones=True,
        microphone=domain == "audio-transcription",
        weekly_hours=hours,
        time_zone=zone,
    )


def seed_contributors(db: Session, review: ReviewSettings) -> None:
    """Three stages of the contributor's road: active, under review, just applied."""
    from labelpool.contributors import service as contributors
    from labelpool.contributors.enums import CheckName, ContributorState

    stories = {
        "amara@demo.labelpool.dev": (
            "active",
            _profile("NG", [("en", "native"), ("yo", "native")], "general", "Africa/Lagos", 25),
        ),
        "lucas@demo.labelpool.dev": (
            "under_review",
            _profile(
                "BR",
                [("pt", "native"), ("en", "advanced")],
                "search-evaluation",
                "America/Sao_Paulo",
                15,
            ),
        ),
        "mei@demo.labelpool.dev": ("applied", None),
    }
    for email, (stage, profile) in stories.items():
        user = accounts.get_user_by_email(db, email)
        if user is None or contributors.get_profile(db, user.id) is not None:
            continue
        if profile is None:
            contributors.get_or_create_profile(db, user)
            continue
        contributors.update_profile(db, user, profile, review)
        contributors.submit_application(db, user, review)
        if stage == "active":
            for check in (CheckName.IDENTITY_VERIFIED, CheckName.LANGUAGE_VERIFIED):
                contributors.pass_check(
                    db, user.id, check, "Verified for the demo.", None, settings=review
                )
            assert contributors.contributor_state(db, user.id) == ContributorState.ACTIVE


SENTIMENT_QUESTIONS = [
    (
        "The checkout was quick and the parcel came a day early.",
        "positive",
        "Praise with no complaint is positive.",
    ),
    (
        "Third refund request ignored. Never again.",
        "negative",
        "Complaints and a refusal to buy again are negative.",
    ),
    (
        "The box contains one charger and a cable.",
        "neutral",
        "A plain description with no opinion is neutral.",
    ),
    (
        "Great screen, awful battery.",
        "mixed",
        "Clear praise and clear complaint together are mixed.",
    ),
    (
        "Not bad at all, I would buy it again.",
        "positive",
        "'Not bad' with a will to buy again is positive.",
    ),
    (
        "I expected more for the price, but it works.",
        "mixed",
        "Disappointment and acceptance together are mixed.",
    ),
]

ATTENTION_QUESTIONS = [
    ("Order 48213 shipped to 12 Elm Street.", "Order 48213 shipped to 12 Elm Street.", "same"),
    (
        "Invoice due 2026-03-14, total €1,250.00",
        "Invoice due 2026-03-41, total €1,250.00",
        "different",
    ),
    ("Dr. Ana Silva, MD, São Paulo", "Dr. Ana Silva, MD, Sao Paulo", "different"),
    (
        "Flight LP204 departs 07:45 from gate B12.",
        "Flight LP204 departs 07:45 from gate B12.",
        "same",
    ),
]


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _count_words(count: int, noun: str) -> str:
    """ "five short reviews", "one pair": a test's description counts its real questions."""
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{number} {noun}{'' if count == 1 else 's'}"


def seed_tests(db: Session, requester: User, organization: Organization) -> None:
    """Guidelines for the sentiment project, its qualification test and a skill test."""
    from labelpool.assessments import service as tests
    from labelpool.assessments.models import AssessmentTest, TestKind, TestMode, TestStatus
    from labelpool.guidelines import service as guidelines

    if db.scalar(
        select(AssessmentTest.id).where(AssessmentTest.organization_id == organization.id)
    ):
        return
    project = db.scalar(
        select(Project).where(
            Project.organization_id == organization.id, Project.template_key == "text-sentiment"
        )
    )
    assert project is not None
    # The project follows its own copy of the template's guidelines since it was created.
    document = guidelines.guidelines_of_project(db, project.id)
    if document is None:
        document = guidelines.create_for_project(
            db, requester, project, get_template("text-sentiment").guidelines
        )
    document.title = "Review sentiment guidelines"
    control = dict(get_template("text-sentiment").controls[0])
    per_attempt = min(5, len(SENTIMENT_QUESTIONS))
    qualification = tests.create_test(
        db,
        requester,
        organization.id,
        title="Review sentiment: qualification",
        description=f"{_count_words(per_attempt, 'short review').capitalize()}, drawn from "
        f"{_count_words(len(SENTIMENT_QUESTIONS), 'question')}. Label the sentiment as the "
        "guidelines describe.",
        kind=TestKind.QUALIFICATION,
        project_id=project.id,
        guidelines_id=document.id,
        mode=TestMode.EXAM,
        pass_mark=80,
        time_limit_seconds=15 * 60,
        shuffle=True,
        subset_size=per_attempt,
        cooldown_seconds=3600,
        max_attempts=3,
    )
    for text, answer, why in SENTIMENT_QUESTIONS:
        tests.add_question(
            db,
            requester,
            qualification,
            data={"text": text},
            control=control,
            correct_answer=answer,
            explanation=why,
        )
    tests.set_status(db, requester, qualification, TestStatus.PUBLISHED)

    skill = tests.create_test(
        db,
        requester,
        organization.id,
        title="Attention to detail",
        description=f"{_count_words(len(ATTENTION_QUESTIONS), 'pair').capitalize()} of records: "
        "do they say exactly the same thing? Feedback after every question.",
        kind=TestKind.SKILL,
        skill_key="attention-to-detail",
        mode=TestMode.TRAINING,
        pass_mark=75,
    )
    same_or_not = {
        "name": "match",
        "kind": "choice",
        "title": "Are the two records identical?",
        "target": "first",
        "options": [
            {"value": "same", "label": "Identical"},
            {"value": "different", "label": "Different"},
        ],
    }
    for first, second, answer in ATTENTION_QUESTIONS:
        tests.add_question(
            db,
            requester,
            skill,
            data={"first": first, "second": second},
            control=same_or_not,
            correct_answer=answer,
            explanation="Compare character by character: digits, accents and dates matter.",
        )
    tests.set_status(db, requester, skill, TestStatus.PUBLISHED)


Records = Callable[[Project], list[dict[str, Any]]]


class DemoProjects:
    """One active project per task family, each with items and a few gold items."""

    def __init__(
        self, db: Session, requester: User, organization: Organization, storage: MediaStorage
    ) -> None:
        self.db = db
        self.requester = requester
        self.organization = organization
        self.storage = storage

    def seed(self) -> None:
        from labelpool.demo import media

        self.project("Street scenes: boxes", "image-bounding-boxes", self._images(media))
        self.project("Traffic clips: tracking", "video-object-tracking", self._videos(media))
        self.project("Podcast audio: segments", "speech-segments", self._audio(media))
        self.project("Product review sentiment", "text-sentiment", lambda _: samples.REVIEWS)
        self.project("Search relevance (en)", "search-relevance", lambda _: samples.SEARCH_RESULTS)
        self.project("AI answer quality", "ai-response-rating", lambda _: samples.AI_RESPONSES)
        self.project(
            "Chatbot A/B comparison", "side-by-side-comparison", lambda _: samples.COMPARISONS
        )
        self.project("News entities", "named-entities", lambda _: _entity_records())
        self.project("Answer ranking", "response-ranking", lambda _: _ranking_records())
        self.project("Support chat quality", "conversation-rating", lambda _: samples.CONVERSATIONS)
        german = self.project(
            "Support chat quality (German)",
            "conversation-rating",
            lambda _: samples.GERMAN_CONVERSATIONS,
        )
        spam = self.project(
            "Spam detection (weekend team)",
            "spam-detection",
            lambda _: [dict(i) for i in get_template("spam-detection").sample_items],
        )
        # Two projects the demo contributors do not yet qualify for, so /work shows why; Amara
        # qualifies for every other one: a project of every control kind.
        self.require(
            german, Requirements(languages=[LanguageRule(language="de", minimum="fluent")])
        )
        self.require(spam, Requirements(min_weekly_hours=30))

    def require(self, project: Project, requirements: Requirements) -> None:
        save_requirements(self.db, self.requester, project, requirements)

    def project(self, name: str, template: str, records: Records) -> Project:
        existing = self.db.scalar(
            select(Project).where(
                Project.organization_id == self.organization.id, Project.name == name
            )
        )
        if existing is not None:
            return existing
        project = projects.create_project(
            self.db, self.requester, self.organization.id, name=name, template_key=template
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "items.jsonl"
            path.write_text("\n".join(json.dumps(r) for r in records(project)) + "\n")
            run = import_file(self.db, self.requester, project, path)
        if run.status != ImportStatus.SUCCEEDED:
            raise RuntimeError(f"demo project {name!r}: {run.message} {run.errors[:3]}")
        projects.change_status(
            self.db, self.requester, project, ProjectStatus.ACTIVE, "Demo project"
        )
        return project

    def _store(self, project: Project, filename: str, data: bytes) -> str:
        media = store_media_bytes(
            self.db,
            self.storage,
            self.organization.id,
            project.id,
            filename,
            data,
            self.requester,
        )
        return f"media:{media.id}"

    @staticmethod
    def _labels(template: str) -> set[str]:
        control = get_template(template).controls[0]
        return {label["value"] for label in control["labels"]}

    def _images(self, media: Any) -> Records:
        labels = self._labels("image-bounding-boxes")

        def records(project: Project) -> list[dict[str, Any]]:
            rows = []
            for i, image in enumerate(media.demo_images(8, seed=1)):
                row: dict[str, Any] = {
                    "id": image.filename,
                    "image": self._store(project, image.filename, image.data),
                }
                boxes = [b for b in image.boxes if b["label"] in labels]
                if i < 2 and boxes:
                    row["gold"] = {"objects": boxes}
                elif i < 5 and boxes:  # a model's boxes, a little off: pre-annotations to fix
                    row["predictions"] = {"objects": [_nudged(b, i) for b in boxes]}
                rows.append(row)
            return rows

        return records

    def _videos(self, media: Any) -> Records:
        labels = self._labels("video-object-tracking")

        def records(project: Project) -> list[dict[str, Any]]:
            rows = []
            for i, video in enumerate(media.demo_videos(3, seed=1)):
                row: dict[str, Any] = {
                    "id": video.filename,
                    "video": self._store(project, video.filename, video.data),
                    "fps": video.fps,  # the tracks widget counts frames at the clip's rate
                }
                tracks = [t for t in video.tracks if t["label"] in labels]
                if i == 0 and tracks:
                    row["gold"] = {"tracks": tracks}
                rows.append(row)
            return rows

        return records

    def _audio(self, media: Any) -> Records:
        labels = self._labels("speech-segments")

        def records(project: Project) -> list[dict[str, Any]]:
            rows = []
            for i, clip in enumerate(media.demo_audio_clips(6, seed=1)):
                row: dict[str, Any] = {
                    "id": clip.filename,
                    "audio": self._store(project, clip.filename, clip.data),
                }
                regions = [
                    {"start": r["start"], "end": r["end"], "label": r["label"]}
                    for r in clip.regions
                    if r["label"] in labels
                ]
                if i < 2 and regions:
                    row["gold"] = {"segments": regions}
                rows.append(row)
            return rows

        return records


def _nudged(box: dict[str, Any], seed: int) -> dict[str, Any]:
    """A ground-truth box moved and grown by a few pixels, as a model would draw it."""
    shift = 3 + seed % 4
    return {
        **box,
        "x": max(0, box["x"] - shift),
        "y": box["y"] + shift // 2,
        "w": box["w"] + shift,
        "h": max(1, box["h"] - shift // 2),
    }


def _entity_records() -> list[dict[str, Any]]:
    """The news sentences, the first two with their entities as gold spans."""
    rows: list[dict[str, Any]] = []
    for n, (text, entities) in enumerate(samples.NEWS):
        row: dict[str, Any] = {"id": f"news-{n + 1}", "data": {"text": text}}
        if n < 2:
            spans, start = [], 0
            for entity, label in entities:
                start = text.index(entity, start)
                spans.append({"start": start, "end": start + len(entity), "label": label})
                start += len(entity)
            row["gold"] = {"entities": spans}
        rows.append(row)
    return rows


def _ranking_records() -> list[dict[str, Any]]:
    """The ranking prompts, the first one with its best order (and a verdict) as gold."""
    rows: list[dict[str, Any]] = []
    for n, sample in enumerate(samples.RANKINGS):
        data = {"prompt": sample["prompt"], "responses": sample["responses"]}
        row: dict[str, Any] = {"id": f"rank-{n + 1}", "data": data}
        if n == 0:
            row["gold"] = {"ranking": sample["best"], "best_acceptable": "yes"}
        rows.append(row)
    return rows
