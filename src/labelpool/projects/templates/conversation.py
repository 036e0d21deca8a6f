"""Conversation templates: rating whole chatbot conversations, choosing the next reply."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    choice,
    data,
    guidelines,
    options,
    pairwise,
    rating,
    scale,
    text,
    when,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

ASPECT_5 = scale(
    (1, "Very poor"),
    (2, "Poor"),
    (3, "Acceptable"),
    (4, "Good"),
    (5, "Excellent"),
)

_HOTEL_CHAT = [
    {"role": "user", "content": "Hi, can I change my booking to arrive on Friday instead?"},
    {"role": "assistant", "content": "Of course. Could you give me your booking reference?"},
    {"role": "user", "content": "It's HX-4471."},
    {
        "role": "assistant",
        "content": "Thanks. I've moved booking HX-4471 to arrive Friday 14 June, leaving "
        "Sunday 16 June. The price is unchanged. Anything else?",
    },
    {"role": "user", "content": "No, that's all, thanks!"},
]

CONVERSATION_RATING = ProjectTemplate(
    key="conversation-rating",
    title="Conversation rating",
    family=TaskFamily.CONVERSATION,
    description=(
        "Rate a whole conversation between a user and an assistant on task success, "
        "helpfulness, coherence and tone, and note where it went wrong."
    ),
    instructions=(
        "Read the whole conversation from the top. Say whether the user got what they came "
        "for, rate the assistant on each aspect, and point to the first turn that went wrong."
    ),
    data_fields=(
        data("conversation", FieldKind.CONVERSATION, "The conversation turns.", _HOTEL_CHAT),
        data(
            "assistant_brief",
            FieldKind.TEXT,
            "What the assistant is meant to do.",
            "Hotel booking assistant",
            required=False,
        ),
    ),
    controls=(
        choice(
            "task_success",
            "Did the user get what they wanted?",
            options(
                ("yes", "Yes"),
                ("partly", "Partly"),
                ("no", "No"),
                ("no_task", "No task", "Small talk only"),
            ),
            target="conversation",
            section="2",
        ),
        rating(
            "helpfulness",
            "Helpfulness of the assistant",
            ASPECT_5,
            target="conversation",
            section="3",
        ),
        rating(
            "coherence",
            "Coherence: does it remember and follow the conversation?",
            ASPECT_5,
            target="conversation",
            section="3",
        ),
        rating(
            "tone",
            "Tone: polite, appropriate, on-brand",
            ASPECT_5,
            target="conversation",
            section="3",
        ),
        text(
            "problem",
            "Which assistant turn first went wrong, and how?",
            target="conversation",
            multiline=True,
            min_length=10,
            max_length=1000,
            show_if=when("task_success", "partly", "no"),
            placeholder="e.g. Turn 4: asked again for the booking reference already given",
            section="4",
        ),
    ),
    guidelines=guidelines(
        """
        # Conversation rating guidelines

        ## 1. Task
        Rate the **assistant's** part of a whole conversation. The user's messages are not
        rated. Turns are numbered from 1 at the top.

        ## 2. Task success
        *Yes* when the user's goal was met by the end; *Partly* when only some of it was.
        - Example: the user asks to move a booking and the assistant confirms the new
          dates → *Yes*.
        - Example: the assistant gives the new dates but forgets the user also asked about
          parking → *Partly*.

        ## 3. Aspects
        ### 3.1 Helpfulness
        How well the assistant moved the user toward their goal, without detours.
        ### 3.2 Coherence
        Lower the score when it forgets facts already given, contradicts itself or
        answers a different question.
        - Example: asks for the booking reference again after the user gave it →
          coherence at most *Poor*.
        ### 3.3 Tone
        Polite, matched to the user (brief with brief users), no over-apologising.

        ## 4. Where it went wrong
        When the task was not fully met, name the first assistant turn at fault and say
        what happened in one sentence.
        - Example: "Turn 2: asks for the order number the user gave in turn 1."
        """
    ),
    sample_items=(
        {"conversation": _HOTEL_CHAT, "assistant_brief": "Hotel booking assistant"},
        {
            "conversation": [
                {"role": "user", "content": "My order 5521 hasn't arrived."},
                {"role": "assistant", "content": "Sorry to hear that! What's your order number?"},
                {"role": "user", "content": "I just said, 5521."},
                {"role": "assistant", "content": "Thanks! Order 5521 is out for delivery today."},
            ],
            "assistant_brief": "Online shop support assistant",
        },
    ),
    sample_answer={"task_success": "yes", "helpfulness": 5, "coherence": 5, "tone": 4},
)

NEXT_REPLY_PREFERENCE = ProjectTemplate(
    key="next-reply-preference",
    title="Next reply preference",
    family=TaskFamily.CONVERSATION,
    description=(
        "Given a conversation so far, choose the better of two candidate next assistant "
        "replies (multi-turn preference data)."
    ),
    instructions=(
        "Read the conversation so far, then both candidate replies. Choose the reply that "
        "best continues the conversation for this user, and say why in a sentence."
    ),
    data_fields=(
        data("conversation", FieldKind.CONVERSATION, "The conversation so far.", _HOTEL_CHAT[:3]),
        data("reply_a", FieldKind.MARKDOWN, "Candidate reply A.", "Thanks, I've moved it."),
        data("reply_b", FieldKind.MARKDOWN, "Candidate reply B.", "What is your reference?"),
    ),
    controls=(
        pairwise(
            "preference",
            "Which reply is the better next turn?",
            targets=["reply_a", "reply_b"],
            target="conversation",
            allow_tie=True,
            strength=["slightly", "much"],
            section="2",
        ),
        text(
            "reason",
            "Why?",
            target="conversation",
            min_length=10,
            max_length=500,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Next reply preference guidelines

        ## 1. Task
        Pick the better next assistant reply, given everything said so far.

        ## 2. Choosing
        ### 2.1 Context first
        The better reply uses what the user already said and does not ask for it again.
        - The user gave booking reference HX-4471. A: "Thanks, I've moved HX-4471 to
          Friday." B: "What is your booking reference?" → A is *much better*.

        ### 2.2 Then correctness, helpfulness, tone
        As in side-by-side comparison: safe before correct before helpful before polished.
        A tie only when you have no preference at all.

        ## 3. Reason
        One sentence naming the deciding difference.
        - Example: → "B asks again for the booking reference the user already gave."
        """
    ),
    sample_items=(
        {
            "conversation": _HOTEL_CHAT[:3],
            "reply_a": "Thanks. I've moved booking HX-4471 to arrive Friday 14 June.",
            "reply_b": "Could you give me your booking reference?",
        },
        {
            "conversation": [{"role": "user", "content": "Can you recommend a vegan dessert?"}],
            "reply_a": "Try a chocolate avocado mousse: avocado, cocoa, maple syrup, blended.",
            "reply_b": "Tiramisu is a classic Italian dessert with mascarpone and eggs.",
        },
    ),
    sample_answer={
        "preference": {"winner": "a", "strength": "much"},
        "reason": "B asks again for the booking reference the user already gave.",
    },
)

TEMPLATES = (CONVERSATION_RATING, NEXT_REPLY_PREFERENCE)
