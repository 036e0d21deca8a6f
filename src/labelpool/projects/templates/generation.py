"""Generation templates: contributors write content, captions or summaries."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import choice, data, guidelines, options, text, when
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

CONTENT_GENERATION = ProjectTemplate(
    key="content-generation",
    title="Content generation",
    family=TaskFamily.GENERATION,
    description=(
        "Write an original, high-quality response to an instruction (demonstration data "
        "for supervised fine-tuning), or flag instructions that cannot or should not be done."
    ),
    instructions=(
        "Read the instruction and any context. If it can be done, write the response an "
        "expert would give: accurate, complete, in the requested format. Do not use AI tools."
    ),
    data_fields=(
        data(
            "instruction",
            FieldKind.TEXT,
            "What to write.",
            "Write a polite email declining a meeting invitation.",
        ),
        data(
            "context",
            FieldKind.MARKDOWN,
            "Background material to use, if any.",
            "The meeting is on Thursday; you will be on leave.",
            required=False,
        ),
    ),
    controls=(
        choice(
            "feasible",
            "Can you write a good response to this instruction?",
            options(
                ("yes", "Yes"),
                ("unclear", "No, the instruction is unclear or incomplete"),
                ("unsafe", "No, it asks for harmful content"),
                ("expertise", "No, it needs expertise I do not have"),
            ),
            target="instruction",
            section="2",
        ),
        text(
            "response",
            "Your response",
            target="instruction",
            multiline=True,
            min_length=50,
            max_length=4000,
            placeholder="Write the response here ...",
            show_if=when("feasible", "yes"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Content generation guidelines

        ## 1. Task
        Write the ideal response to each instruction, as a careful expert would. Your text
        teaches a model how to answer, so quality matters more than speed.

        ## 2. Should you write it?
        Choose *No* with the right reason when the instruction is missing key information
        ("Summarise the attached file" with no file), asks for harmful content, or needs
        expertise you lack (a legal opinion). Otherwise choose *Yes*.
        - Example: "Summarise the attached report" with no report attached → *No, the
          instruction is unclear or incomplete*.

        ## 3. Writing the response
        ### 3.1 Follow the instruction exactly
        Respect the format, length, audience and tone it asks for; use the context if given.
        - Instruction "Write a polite email declining a meeting invitation", context "the
          meeting is on Thursday; you will be on leave" → a short email that thanks the
          sender, declines because of leave on Thursday, and offers an alternative.

        ### 3.2 Quality
        Correct facts, no filler ("As an AI ..."), no invented quotes or sources. Use
        Markdown lists or headings only when they help.

        ### 3.3 Originality
        Write it yourself. Do not paste from websites or AI tools; reviewers check.

        ## 4. Examples
        | instruction | good response |
        | --- | --- |
        | "List three tips for better sleep." | three short, concrete, correct tips as a list |
        | "Write a haiku about rain." | a 5-7-5 poem about rain, nothing else |
        """
    ),
    sample_items=(
        {
            "instruction": "Write a polite email declining a meeting invitation.",
            "context": "The meeting is on Thursday at 10:00; you will be on leave that day.",
        },
        {"instruction": "List three tips for better sleep."},
        {"instruction": "Explain what an API is to a new marketing colleague in under 100 words."},
    ),
    sample_answer={
        "feasible": "yes",
        "response": (
            "Subject: Thursday's meeting\n\nHi Maria,\n\nThank you for the invitation. "
            "Unfortunately I will be on leave on Thursday, so I cannot attend. Could you "
            "share the notes afterwards, or shall we find a time next week?\n\n"
            "Best regards,\nSam"
        ),
    },
)

IMAGE_CAPTIONING = ProjectTemplate(
    key="image-captioning",
    title="Image captioning",
    family=TaskFamily.GENERATION,
    description=(
        "Write one factual, self-contained sentence describing each image, for captioning "
        "and alt-text training data."
    ),
    instructions=(
        "Look at the image and write one sentence describing what is shown: the main "
        "subjects, what they are doing and where. Describe only what you can see."
    ),
    data_fields=(data("image", FieldKind.IMAGE, "The image to describe.", "images/park-dog.jpg"),),
    controls=(
        text(
            "caption",
            "Describe the image in one sentence",
            target="image",
            min_length=20,
            max_length=300,
            placeholder="A brown dog catches a frisbee in a sunny park.",
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Image captioning guidelines

        ## 1. Task
        Write one sentence of 8-30 words describing the image for someone who cannot see it.

        ## 2. Writing the caption
        ### 2.1 What to include
        The main subjects, their most visible action and the setting, in that order.
        - Example: "A brown dog leaps to catch a red frisbee in a sunny park." ✔

        ### 2.2 What to leave out
        - Guesses about feelings, names or intentions: not "Max is happy".
        - Phrases like "This image shows" or "A picture of".
        - Details nobody would notice first (the colour of a distant car).
        - Example: "This is a picture of a happy dog" ✘ (opener, guess, no action or place).

        ### 2.3 Text and people
        Include prominent readable text in quotes ("a shop sign reading 'Bakery'"). Describe
        people by visible features (a man in a blue coat), never by assumed ethnicity.
        """
    ),
    sample_items=(
        {"image": "images/park-dog.jpg"},
        {"image": "images/bakery-front.jpg"},
        {"image": "https://example.org/media/harbour.jpg"},
    ),
    sample_answer={
        "caption": "Two shoppers choose vegetables at a market stall with handwritten price signs."
    },
)

TEXT_SUMMARIZATION = ProjectTemplate(
    key="text-summarization",
    title="Text summarization",
    family=TaskFamily.GENERATION,
    description="Write a short, faithful summary of a news article or report.",
    instructions=(
        "Read the whole document, then write a summary of two or three sentences with its "
        "main points. Use only facts stated in the document."
    ),
    data_fields=(
        data("document", FieldKind.MARKDOWN, "The document to summarise.", "The council ..."),
    ),
    controls=(
        text(
            "summary",
            "Summary (2-3 sentences)",
            target="document",
            multiline=True,
            min_length=40,
            max_length=600,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Summarization guidelines

        ## 1. Task
        Write a 2-3 sentence summary a busy reader could rely on instead of the document.

        ## 2. The summary
        ### 2.1 Faithful
        Every fact must be in the document: no outside knowledge, no opinions. Numbers,
        names and dates are copied exactly.
        ### 2.2 Main points first
        Lead with what happened, then why or what follows. Skip quotes and background.
        - Document about a council closing a library 7-2 over £1.2m repair costs → "The
          city council voted 7-2 to close the Elm Street library in June, citing falling
          visitor numbers and £1.2m in repairs. Residents plan a petition." ✔
        - "The library, loved by many, is sadly closing." ✘ (opinion, no facts).
        ### 2.3 Own words
        Paraphrase; do not copy whole sentences from the document.
        """
    ),
    sample_items=(
        {
            "document": "The city council voted 7-2 on Tuesday to close the Elm Street "
            "library in June. Councillors cited falling visitor numbers and repair costs of "
            "£1.2m. Residents plan a petition.",
        },
        {
            "document": "Heavy rain caused flooding on the A38 on Monday morning. Police "
            "closed the road for three hours while the drains were cleared. No one was hurt.",
        },
    ),
    sample_answer={
        "summary": (
            "The city council voted 7-2 to close the Elm Street library in June because of "
            "falling visitor numbers and £1.2m of repairs. Residents plan a petition."
        )
    },
)

TEMPLATES = (CONTENT_GENERATION, IMAGE_CAPTIONING, TEXT_SUMMARIZATION)
