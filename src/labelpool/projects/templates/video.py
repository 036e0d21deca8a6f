"""Video templates: object tracking, action recognition, event tagging."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    choice,
    data,
    guidelines,
    labels,
    options,
    regions,
    text,
    tracks,
    when,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

VIDEO_OBJECT_TRACKING = ProjectTemplate(
    key="video-object-tracking",
    title="Video object tracking",
    family=TaskFamily.VIDEO,
    description=(
        "Follow every person and vehicle through a short clip: one track per object, with "
        "boxes on keyframes and interpolation in between."
    ),
    instructions=(
        "For each person and vehicle, create one track and place boxes on keyframes whenever "
        "its motion changes; check the interpolated boxes between keyframes before you submit."
    ),
    data_fields=(
        data("video", FieldKind.VIDEO, "The clip to annotate (a few seconds).", "videos/a.mp4"),
    ),
    controls=(
        tracks(
            "tracks",
            "Track every person and vehicle",
            labels(
                ("person", "Person", "#e6194b"),
                ("bicycle", "Bicycle", "#3cb44b"),
                ("car", "Car", "#4363d8"),
                ("truck", "Truck or bus", "#f58231"),
            ),
            target="video",
            required=False,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Video object tracking guidelines

        ## 1. Task
        Each object of a listed class gets **one track** for the whole time it is visible.
        A track is a label plus boxes on keyframes; the tool fills in the frames between.

        ## 2. Tracks
        ### 2.1 One object, one track
        Never start a second track for an object while it stays in view. When it is hidden
        for a moment (under about one second, e.g. behind a passing bus), keep its track and
        box where it must be. When it leaves the frame and comes back later, start a new
        track for its return.
        - Example: a cyclist passes behind a bus for 10 frames → one track; the box follows
          the cyclist's estimated position behind the bus.

        ### 2.2 Keyframes
        Add a keyframe at the first and last visible frame, and whenever the object speeds
        up, turns or changes size. Scrub through: if an interpolated box drifts off the
        object by more than a few pixels, add a keyframe there.
        - Example: a car driving straight at constant speed needs only start and end
          keyframes; a car turning at a junction needs one more in the middle of the turn.

        ### 2.3 Boxes
        Boxes are tight around the visible part, as in still-image boxes. Skip objects
        smaller than about 10 x 10 pixels for their whole visible time.

        ## 3. Labels
        Riders are *Person* plus their *Bicycle*. Vans and lorries are *Truck or bus*.
        - Example: a parked car that never moves still gets a track (two keyframes).
        """
    ),
    sample_items=(
        {"video": "videos/crossing-01.mp4"},
        {"video": "videos/parking-lot.mp4"},
        {"video": "https://example.org/media/cycle-lane.mp4"},
    ),
    sample_answer={
        "tracks": [
            {
                "id": "person-1",
                "label": "person",
                "keyframes": [
                    {"frame": 0, "x": 40, "y": 100, "w": 30, "h": 80},
                    {"frame": 48, "x": 220, "y": 104, "w": 32, "h": 82},
                ],
            }
        ]
    },
)

VIDEO_ACTION_RECOGNITION = ProjectTemplate(
    key="video-action-recognition",
    title="Video action recognition",
    family=TaskFamily.VIDEO,
    description="Name the main action the person in a short clip performs.",
    instructions=(
        "Watch the whole clip at least once, then choose the action the main person performs "
        "for most of it. If it is none of the listed actions, choose Other and name it."
    ),
    data_fields=(
        data("video", FieldKind.VIDEO, "A clip of 2-10 seconds.", "videos/action-01.mp4"),
    ),
    controls=(
        choice(
            "action",
            "What is the main person doing?",
            options(
                ("walking", "Walking"),
                ("running", "Running or jogging"),
                ("jumping", "Jumping"),
                ("sitting_down", "Sitting down"),
                ("standing_up", "Standing up"),
                ("waving", "Waving"),
                ("clapping", "Clapping"),
                ("falling", "Falling", "Losing balance and going to the ground"),
                ("cooking", "Cooking", "Cutting, stirring, frying"),
                ("phone", "Using a phone", "Talking on or typing on a phone"),
                ("other", "Other action"),
                ("no_person", "No person / cannot tell"),
            ),
            target="video",
            section="2",
        ),
        text(
            "other_action",
            "Which action? (2-5 words)",
            target="video",
            max_length=60,
            placeholder="e.g. tying shoelaces",
            show_if=when("action", "other"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Action recognition guidelines

        ## 1. Task
        Choose the action performed by the **main person**: the one in focus, largest, or
        most central. Watch the whole clip before answering.

        ## 2. Choosing the action
        ### 2.1 The longest action wins
        When the person does several things, pick the one that fills most of the clip.
        - Example: someone walks for 1 s, then jogs for 6 s → *Running or jogging*.

        ### 2.2 Transitions
        *Sitting down* and *Standing up* are the movement itself, not the posture: a person
        sitting still for the whole clip is *Other* ("sitting").
        - Example: person rises from a sofa and walks away → *Standing up* if the rising
          takes most of the clip, otherwise *Walking*.

        ### 2.3 Safety-relevant actions
        Always choose *Falling* when a person falls, even if it is brief, because these
        clips are rare and important.

        ### 2.4 No person
        Use *No person / cannot tell* when nobody is visible or the clip is too dark.

        ## 3. Other actions
        Name the action in 2-5 plain words, starting with a verb in -ing form.
        - Example: "tying shoelaces", "playing guitar".
        """
    ),
    sample_items=(
        {"video": "videos/action-jogger.mp4"},
        {"video": "videos/action-kitchen.mp4"},
        {"video": "https://example.org/media/action-wave.mp4"},
    ),
    sample_answer={"action": "running"},
)

VIDEO_EVENT_TAGGING = ProjectTemplate(
    key="video-event-tagging",
    title="Video event tagging",
    family=TaskFamily.VIDEO,
    description=(
        "Mark the start and end of key match events (goals, shots, fouls, corners, "
        "substitutions) in football footage, with an optional note per event."
    ),
    instructions=(
        "Play the clip and mark a time region for each listed event from the moment it starts "
        "to the moment it ends. Add a short note when the event is unclear or unusual."
    ),
    data_fields=(
        data("video", FieldKind.VIDEO, "Match footage of up to a few minutes.", "videos/m1.mp4"),
    ),
    controls=(
        regions(
            "events",
            "Mark every match event",
            labels(
                ("goal", "Goal", "#3cb44b"),
                ("shot", "Shot", "#4363d8"),
                ("foul", "Foul", "#e6194b"),
                ("corner", "Corner kick", "#f58231"),
                ("substitution", "Substitution", "#911eb4"),
            ),
            target="video",
            allow_text=True,
            required=False,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Event tagging guidelines

        ## 1. Task
        Mark a time region for every listed event in the clip. Regions may overlap: a shot
        that becomes a goal is marked as both.

        ## 2. Events and their boundaries
        ### 2.1 Goal
        From the final touch by the scorer until the ball crosses the goal line. Do not
        include the celebration.
        - Example: header at 00:12.4, ball in the net at 00:13.1 → *Goal* 12.4-13.1 s
          (and *Shot* over the same time).

        ### 2.2 Shot
        From the striking touch until the ball is stopped, saved or out of play. Passes and
        crosses are not shots.

        ### 2.3 Foul
        From the contact until the referee's whistle or signal. If there is no whistle,
        mark only the contact and note "no whistle".

        ### 2.4 Corner kick and substitution
        Corner: from the kick until the next touch. Substitution: from the board being raised
        until the new player enters the pitch.

        ## 3. Notes
        Add a note only when useful: "replay", "offside, goal disallowed", "VAR check".
        - Example: a goal shown twice (live then replay) → mark both, note "replay" on the
          second.
        """
    ),
    sample_items=(
        {"video": "videos/match-01.mp4"},
        {"video": "videos/match-02.mp4"},
        {"video": "https://example.org/media/match-highlights.mp4"},
    ),
    sample_answer={
        "events": [
            {"start": 12.4, "end": 13.1, "label": "shot"},
            {"start": 12.4, "end": 13.1, "label": "goal", "text": "header from a corner"},
        ]
    },
)

TEMPLATES = (VIDEO_OBJECT_TRACKING, VIDEO_ACTION_RECOGNITION, VIDEO_EVENT_TAGGING)
