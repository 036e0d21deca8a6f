"""Comparison templates: side-by-side preference between two responses, ranking N."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    choice,
    data,
    guidelines,
    options,
    pairwise,
    ranking,
    text,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

SIDE_BY_SIDE_COMPARISON = ProjectTemplate(
    key="side-by-side-comparison",
    title="Side-by-side comparison",
    family=TaskFamily.COMPARISON,
    description=(
        "Compare two AI responses to the same prompt, pick the better one and how much "
        "better, and justify the choice (preference data for RLHF and evaluation)."
    ),
    instructions=(
        "Read the prompt and both responses in full. Choose the response you would rather "
        "receive as the user, say how strong the preference is, and explain why in a sentence."
    ),
    data_fields=(
        data("prompt", FieldKind.TEXT, "What the user asked.", "Explain recursion to a child."),
        data("response_a", FieldKind.MARKDOWN, "The first response.", "Imagine a set of ..."),
        data("response_b", FieldKind.MARKDOWN, "The second response.", "Recursion is when ..."),
    ),
    controls=(
        pairwise(
            "preference",
            "Which response is better?",
            targets=["response_a", "response_b"],
            target="prompt",
            allow_tie=True,
            strength=["slightly", "much"],
            section="2",
        ),
        text(
            "reason",
            "Why? Name the deciding difference",
            target="prompt",
            multiline=True,
            min_length=20,
            max_length=1000,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Side-by-side comparison guidelines

        ## 1. Task
        Two assistants answered the same prompt. Decide which answer is better for the user,
        and how strongly. The order of A and B is random; do not prefer either side.

        ## 2. Choosing
        ### 2.1 What matters, in order
        1. Safety: a harmful response loses to a safe one.
        2. Correctness: a response with a factual error loses to a correct one.
        3. Helpfulness: follows the request fully, including format and length limits.
        4. Clarity and concision.
        - Prompt "Explain recursion to a child", A uses nesting dolls in three short
          sentences, B gives a correct definition with code → A is *much better* (B ignores
          "to a child").

        ### 2.2 Strength and ties
        Use *slightly better* when you would accept either, *much better* when one is
        clearly unacceptable or clearly superior. Choose a tie only when you genuinely have
        no preference, not when both are bad in different ways: then pick the less bad one.

        ### 2.3 Length
        Longer is not better. Extra detail the user did not ask for counts against a
        response when it hides the answer.

        ## 3. Reason
        One or two sentences naming the deciding difference.
        - Example: prompt "When did humans first land on the Moon?" → "A has the correct
          date (1969); B says 1971."
        """
    ),
    sample_items=(
        {
            "prompt": "Explain recursion to a child.",
            "response_a": "Imagine a set of nesting dolls. To find the smallest doll, you open "
            "a doll and do the same thing again with the one inside, until there is no doll "
            "left to open. That's recursion!",
            "response_b": "Recursion is when a function calls itself:\n\n```python\ndef f(n):"
            "\n    return 1 if n == 0 else n * f(n - 1)\n```",
        },
        {
            "prompt": "When did humans first land on the Moon?",
            "response_a": "On 20 July 1969, with Apollo 11.",
            "response_b": "Humans first landed on the Moon in 1971.",
        },
    ),
    sample_answer={
        "preference": {"winner": "a", "strength": "much"},
        "reason": "A explains recursion with nesting dolls a child understands; B shows code.",
    },
)

RESPONSE_RANKING = ProjectTemplate(
    key="response-ranking",
    title="Response ranking",
    family=TaskFamily.COMPARISON,
    description=(
        "Order several AI responses to the same prompt from best to worst, and flag the "
        "prompt when none of them is acceptable."
    ),
    instructions=(
        "Read the prompt and every response. Drag the responses into order from best (top) "
        "to worst (bottom), then say whether the best one is good enough to show a user."
    ),
    data_fields=(
        data("prompt", FieldKind.TEXT, "What the user asked.", "Suggest a name for a cat."),
        data(
            "responses",
            FieldKind.RESPONSES,
            "Candidate responses (2-6), in random order.",
            ["Whiskers", "Dog", "Miso"],
        ),
    ),
    controls=(
        ranking(
            "ranking",
            "Order the responses from best to worst",
            target="responses",
            section="2",
        ),
        choice(
            "best_acceptable",
            "Is the best response good enough to show a user?",
            options(
                ("yes", "Yes"),
                ("no", "No, all responses are unacceptable"),
            ),
            target="responses",
            section="3",
        ),
        text(
            "comment",
            "Comment (optional)",
            target="prompt",
            required=False,
            multiline=True,
            max_length=1000,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Response ranking guidelines

        ## 1. Task
        Rank all responses to the prompt from best to worst. Every response gets a distinct
        place; when two are nearly equal, put the more concise one first.

        ## 2. Ranking
        ### 2.1 Criteria
        Use the same order of priorities as in side-by-side comparison: safety, then
        correctness, then helpfulness (following the request), then clarity.
        - Prompt "Suggest a name for a cat." Responses: "Whiskers", "Dog", "Miso - short,
          cute, and easy to call" → 1. Miso (explained), 2. Whiskers, 3. Dog (not a name
          suggestion worth giving).

        ### 2.2 Duplicates
        Identical or near-identical responses are placed next to each other.

        ### 2.3 Unsafe responses
        Unsafe responses always go to the bottom, below unhelpful but safe ones.

        ## 3. Acceptability
        Answer *No* when even the best response should not be shown to a user: wrong,
        unsafe, or not answering the prompt. Use the comment to say what all responses miss.
        - Example: prompt asks for a 2024 date and every response gives 2023 → *No*,
          comment "all give the wrong year".
        """
    ),
    sample_items=(
        {
            "prompt": "Suggest a name for a cat.",
            "responses": ["Whiskers", "Dog", "Miso - short, cute, and easy to call"],
        },
        {
            "prompt": "What is 15% of 80?",
            "responses": [
                {"id": "m1", "text": "12"},
                {"id": "m2", "text": "15% of 80 is 12."},
                {"id": "m3", "text": "It is 10."},
                {"id": "m4", "text": "0.15 * 80 = 12"},
            ],
        },
    ),
    sample_answer={"ranking": [2, 0, 1], "best_acceptable": "yes"},
)

TEMPLATES = (SIDE_BY_SIDE_COMPARISON, RESPONSE_RANKING)
