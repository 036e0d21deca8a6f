"""The demo: one active project per task family with locally made items; seeding twice is safe."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.demo.seed import DEMO_LOGINS, seed_demo
from labelpool.media.models import MediaFile
from labelpool.projects.models import Item, Project, ProjectStatus


def test_demo_seeds_every_family_once(db: Session, settings: Settings) -> None:
    seed_demo(db, settings)
    db.commit()
    seed_demo(db, settings)
    db.commit()
    projects = list(db.scalars(select(Project).order_by(Project.id)))
    families = {p.task_family for p in projects}
    assert {"image", "video", "audio", "text", "rating", "comparison", "conversation"} <= families
    assert all(p.status == ProjectStatus.ACTIVE and p.item_count > 0 for p in projects)
    assert sum(p.gold_count for p in projects) >= 5
    assert db.scalar(select(func.count()).select_from(User)) == len(DEMO_LOGINS)
    assert db.scalar(select(func.count()).select_from(Item)) == sum(p.item_count for p in projects)
    kinds = dict(db.execute(select(MediaFile.kind, func.count()).group_by(MediaFile.kind)).all())
    assert {k.value if hasattr(k, "value") else k for k in kinds} == {"image", "audio", "video"}
    image_item = db.scalar(
        select(Item).join(Project).where(Project.template_key == "image-bounding-boxes")
    )
    assert image_item is not None and image_item.data["image"].startswith("media:")


def test_demo_contributors_and_tests(db: Session, settings: Settings) -> None:
    from labelpool.assessments.models import AssessmentTest, TestStatus
    from labelpool.contributors import service as contributors
    from labelpool.contributors.enums import ContributorState

    seed_demo(db, settings)
    db.commit()
    states = {}
    for login in DEMO_LOGINS[3:]:
        user = db.scalar(select(User).where(User.email == login.email))
        assert user is not None
        states[login.display_name] = contributors.contributor_state(db, user.id)
    assert states == {
        "Amara Okafor": ContributorState.ACTIVE,
        "Lucas Silva": ContributorState.UNDER_REVIEW,
        "Mei Tanaka": ContributorState.APPLIED,
    }
    published = db.scalars(
        select(AssessmentTest.kind).where(AssessmentTest.status == TestStatus.PUBLISHED)
    ).all()
    assert sorted(k.value for k in published) == ["qualification", "skill"]


def test_amara_has_work_of_every_control_kind(db: Session, settings: Settings) -> None:
    """The demo contributor can label a project of every kind the labeling page has a widget
    for; two projects stay out of her reach on purpose, so /work shows why."""
    from labelpool.eligibility.service import my_work
    from labelpool.projects.models import Prediction

    seed_demo(db, settings)
    db.commit()
    amara = db.scalars(select(User).where(User.email == "amara@demo.labelpool.dev")).one()
    work = my_work(db, amara)
    open_ids = {p.project_id for p in work.open}
    kinds = {
        control["kind"]
        for project in db.scalars(select(Project).where(Project.id.in_(open_ids)))
        for control in project.label_schema["controls"]
    }
    widgets = {"choice", "rating", "pairwise", "ranking", "text", "spans", "boxes", "regions"}
    assert widgets | {"tracks"} <= kinds
    templates = {
        p.template_key for p in db.scalars(select(Project).where(Project.id.in_(open_ids)))
    }
    assert {  # the list: text, boxes, audio, tracks, side by side, chat, search
        "text-sentiment",
        "named-entities",
        "image-bounding-boxes",
        "speech-segments",
        "video-object-tracking",
        "side-by-side-comparison",
        "conversation-rating",
        "search-relevance",
    } <= templates
    assert sorted(p.name for p in work.not_yet) == [
        "Spam detection (weekend team)",
        "Support chat quality (German)",
    ]
    entities = db.scalars(
        select(Item).join(Project).where(Project.template_key == "named-entities", Item.is_gold)
    ).first()
    assert entities is not None
    text = entities.data["text"]
    assert [text[s["start"] : s["end"]] for s in entities.gold["entities"]][:1] == ["Angela Merkel"]
    # Some street scenes come with a model's boxes: pre-annotations to correct.
    predicted = db.scalars(
        select(Prediction).join(Item).join(Project).where(Project.name == "Street scenes: boxes")
    ).all()
    assert len(predicted) >= 2 and all(p.answers["objects"] for p in predicted)
