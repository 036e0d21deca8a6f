"""Rating templates: search relevance, ads, AI responses, translation and summaries."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    choice,
    data,
    guidelines,
    options,
    rating,
    scale,
    text,
    when,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

QUALITY_5 = scale(
    (1, "Very poor"),
    (2, "Poor"),
    (3, "Acceptable"),
    (4, "Good"),
    (5, "Excellent"),
)

SEARCH_RELEVANCE = ProjectTemplate(
    key="search-relevance",
    title="Search relevance",
    family=TaskFamily.RATING,
    description=(
        "Rate how well a search result meets the needs of a user who typed the query, on a "
        "five-point scale from Fails to meet to Fully meets, with page flags."
    ),
    instructions=(
        "Work out what a typical user who typed this query wants, open the result, and rate "
        "how well it satisfies that need. Flag pages that do not load or are spam."
    ),
    data_fields=(
        data("query", FieldKind.TEXT, "What the user typed.", "weather london tomorrow"),
        data("locale", FieldKind.TEXT, "The user's country and language.", "en-GB", required=False),
        data("url", FieldKind.URL, "The result's address.", "https://example.org/weather/london"),
        data("title", FieldKind.TEXT, "The result's title.", "London weather forecast"),
        data(
            "snippet",
            FieldKind.TEXT,
            "The result's text shown on the results page.",
            "Tomorrow: light rain, 14°C",
            required=False,
        ),
    ),
    controls=(
        rating(
            "relevance",
            "How well does the result meet the user's need?",
            scale(
                (1, "Fails to meet", "Unrelated, wrong, harmful, or the page does not load"),
                (2, "Slightly meets", "Related topic, but helps few users or is outdated"),
                (3, "Moderately meets", "Helpful for many users; some would look further"),
                (4, "Highly meets", "Very helpful for most users; few would look further"),
                (5, "Fully meets", "The single answer almost all users want, complete"),
            ),
            target="url",
            section="3",
        ),
        choice(
            "flags",
            "Page flags (tick any that apply)",
            options(
                ("did_not_load", "Did not load"),
                ("wrong_language", "Wrong language for the locale"),
                ("spam", "Spam or deceptive"),
                ("adult", "Adult content"),
                ("outdated", "Outdated information"),
            ),
            target="url",
            multiple=True,
            required=False,
            section="4",
        ),
        text(
            "fail_reason",
            "Why does the result fail to meet the need?",
            target="url",
            min_length=10,
            max_length=500,
            show_if=when("relevance", 1),
            section="5",
        ),
        text(
            "comment",
            "Comment (optional)",
            target="url",
            required=False,
            max_length=500,
            multiline=True,
            section="5",
        ),
    ),
    guidelines=guidelines(
        """
        # Search relevance guidelines

        ## 1. Task
        Each item is a query and one search result. Rate how well the result **meets the
        need** of the user who typed the query, in their locale.

        ## 2. Understanding the query
        Think of the most likely meanings. "jaguar" is mostly the car or the animal; "weather
        london tomorrow" wants tomorrow's forecast for London, England (for en-GB users).
        Queries naming a website ("bbc news") want that site.
        - Example: "jaguar" from an en-GB user → most want the car brand, many the animal;
          a result about either can rate well, one about a football club called Jaguars
          cannot.

        ## 3. Rating scale
        - *Fully meets*: only for a query with one clear answer, fully given (the official
          site for a navigational query, the exact forecast asked for).
        - *Highly meets*: very helpful for most users, though others exist.
        - *Moderately meets*: helpful, but less detailed, less authoritative or only part.
        - *Slightly meets*: on the topic but helps few users.
        - *Fails to meet*: unrelated, wrong, spam, harmful, or does not load.

        ### 3.1 Examples
        - "weather london tomorrow" → a London forecast page with tomorrow's hours:
          *Highly meets* (answers it; many equally good forecast sites exist).
        - "bbc news" → https://www.bbc.co.uk/news: *Fully meets* (the site the user named).
        - "weather london tomorrow" → an article on London's climate: *Slightly meets*
          (right topic, but not tomorrow's weather).
        - "jaguar" → a Jaguar car dealer in Leeds: *Moderately meets* (the car meaning, but
          a local dealer helps only users near Leeds).

        ## 4. Flags
        Flag every problem you see, independent of the rating. A page that did not load
        is always *Fails to meet*, flagged *Did not load*.
        - Example: a 2019 price list for "iphone price" → flag *Outdated information*
          (and rate no higher than *Slightly meets*).

        ## 5. Comments
        When you rate *Fails to meet*, say why in one sentence (the form asks for it). Add
        a comment on any other rating only when something is worth a reviewer's attention.
        - Example: "Page is a parked domain full of ads, nothing about kettles."
        """
    ),
    sample_items=(
        {
            "query": "weather london tomorrow",
            "locale": "en-GB",
            "url": "https://example.org/weather/london",
            "title": "London weather forecast - hourly and 14 days",
            "snippet": "Tomorrow: light rain in the morning, 14°C, wind 20 km/h.",
        },
        {
            "query": "jaguar",
            "locale": "en-GB",
            "url": "https://example.org/dealers/jaguar-leeds",
            "title": "Jaguar Leeds - new and approved used cars",
            "snippet": "Visit our showroom for the latest Jaguar models.",
        },
        {
            "query": "how to descale a kettle",
            "url": "https://example.org/home/descale-kettle",
            "title": "How to descale a kettle with vinegar or citric acid",
        },
    ),
    sample_answer={"relevance": 4, "flags": [], "comment": ""},
)

AD_EVALUATION = ProjectTemplate(
    key="ad-evaluation",
    title="Ad evaluation",
    family=TaskFamily.RATING,
    description=(
        "Rate how relevant a search ad is to the query, whether its landing page matches the "
        "ad's promise, and flag policy problems."
    ),
    instructions=(
        "Read the query and the ad as the user would see it, then open the landing page. Rate "
        "the ad's relevance to the query and check that the page delivers what the ad says."
    ),
    data_fields=(
        data("query", FieldKind.TEXT, "What the user searched for.", "running shoes women"),
        data("ad_title", FieldKind.TEXT, "The ad headline.", "Women's Running Shoes - 30% Off"),
        data(
            "ad_text",
            FieldKind.TEXT,
            "The ad description line.",
            "Free delivery and returns on all trainers.",
        ),
        data(
            "landing_url",
            FieldKind.URL,
            "The page the ad links to.",
            "https://example.org/shop/women/running",
        ),
    ),
    controls=(
        rating(
            "relevance",
            "How relevant is the ad to the query?",
            scale(
                (1, "Off-topic", "Nothing to do with what the user wants"),
                (2, "Somewhat relevant", "Related products or a broader category"),
                (3, "Relevant", "Offers what the user is looking for"),
                (4, "Very relevant", "Exactly what the query asks for, with its details"),
            ),
            target="ad_title",
            section="2",
        ),
        choice(
            "landing_page",
            "Does the landing page match the ad?",
            options(
                ("matches", "Matches", "Shows what the ad promises"),
                ("partly", "Partly", "Related, but the offer or product is not there"),
                ("no_match", "Does not match"),
                ("broken", "Broken or does not load"),
            ),
            target="landing_url",
            section="3",
        ),
        choice(
            "policy_issues",
            "Policy issues (tick any that apply)",
            options(
                ("misleading", "Misleading claim"),
                ("prohibited", "Prohibited product"),
                ("offensive", "Offensive content"),
                ("malware", "Malware or aggressive pop-ups"),
            ),
            target="landing_url",
            multiple=True,
            required=False,
            section="4",
        ),
    ),
    guidelines=guidelines(
        """
        # Ad evaluation guidelines

        ## 1. Task
        Each item is a search query and the ad shown for it. Rate the ad's relevance, check
        the landing page, and flag any policy issue.

        ## 2. Relevance
        Judge the ad's title and text against the query.
        - Query "running shoes women", ad "Women's Running Shoes - 30% Off" →
          *Very relevant*.
        - Same query, ad "Men's Football Boots" → *Somewhat relevant* (sports shoes, but
          not what was asked for).
        - Same query, ad "Cheap Car Insurance in 5 Minutes" → *Off-topic*.
        - Query "nike pegasus 40 size 6", ad "Women's Running Shoes - 30% Off" →
          *Relevant* (right category, the exact model is not promised).

        ## 3. Landing page
        Open the page. It *Matches* when the product and any offer in the ad (price,
        discount, free delivery) are visible within a click.
        - Ad promises 30% off, page shows full prices only → *Partly*.
        - Page is a generic home page of an unrelated shop → *Does not match*.

        ## 4. Policy issues
        - *Misleading claim*: "Lose 10 kg in a week", fake countdowns, fake reviews.
        - *Prohibited product*: weapons, drugs, counterfeit goods.
        - Leave empty when there is nothing to report.
        - Example: ad "Lose 10 kg in a Week - Doctors Hate It" → *Misleading claim*.
        """
    ),
    sample_items=(
        {
            "query": "running shoes women",
            "ad_title": "Women's Running Shoes - 30% Off",
            "ad_text": "Free delivery and returns on all trainers.",
            "landing_url": "https://example.org/shop/women/running",
        },
        {
            "query": "running shoes women",
            "ad_title": "Cheap Car Insurance in 5 Minutes",
            "ad_text": "Compare 100+ insurers and save.",
            "landing_url": "https://example.org/insurance",
        },
        {
            "query": "lose weight fast",
            "ad_title": "Lose 10 kg in a Week - Doctors Hate It",
            "ad_text": "One weird trick, no diet needed.",
            "landing_url": "https://example.org/miracle",
        },
    ),
    sample_answer={"relevance": 4, "landing_page": "matches", "policy_issues": []},
)

AI_RESPONSE_RATING = ProjectTemplate(
    key="ai-response-rating",
    title="AI response rating",
    family=TaskFamily.RATING,
    description=(
        "Rate an AI assistant's response to a prompt on helpfulness, correctness and "
        "harmlessness, and say what is wrong when a score is low (RLHF rubric)."
    ),
    instructions=(
        "Read the prompt, then the response. Check facts you are unsure of. Rate each "
        "dimension on its own; when you give a low score, say what is wrong."
    ),
    data_fields=(
        data("prompt", FieldKind.TEXT, "What the user asked.", "How do I boil an egg?"),
        data("response", FieldKind.MARKDOWN, "The assistant's answer.", "Place the egg in ..."),
    ),
    controls=(
        rating(
            "helpfulness",
            "How helpful is the response?",
            scale(
                (1, "Not helpful", "Ignores or misunderstands the request"),
                (2, "Slightly helpful", "Addresses it only in part or buries the answer"),
                (3, "Somewhat helpful", "Answers, but is missing something important"),
                (4, "Helpful", "Answers fully; small improvements possible"),
                (5, "Very helpful", "Complete, clear, well organised; hard to improve"),
            ),
            target="response",
            section="2",
        ),
        rating(
            "correctness",
            "Is the response factually correct?",
            scale(
                (1, "Major errors", "Wrong in a way that misleads the user"),
                (2, "Minor errors", "Small mistakes that do not change the answer"),
                (3, "Fully correct", "Nothing wrong that you could find"),
            ),
            target="response",
            na_option=True,
            section="3",
        ),
        rating(
            "harmlessness",
            "Is the response safe and appropriate?",
            scale(
                (1, "Harmful", "Dangerous instructions, hateful or explicit content"),
                (2, "Questionable", "Risky advice without warnings, rude or biased tone"),
                (3, "Harmless", "Nothing unsafe or inappropriate"),
            ),
            target="response",
            section="4",
        ),
        choice(
            "issues",
            "What is wrong with the response?",
            options(
                ("ignores_request", "Ignores or misreads the request"),
                ("incomplete", "Incomplete"),
                ("factual_error", "Factual error"),
                ("too_long", "Too long or repetitive"),
                ("unclear", "Unclear or badly formatted"),
                ("refuses", "Refuses a harmless request"),
                ("unsafe", "Unsafe content"),
            ),
            target="response",
            multiple=True,
            min_selected=1,
            show_if=when("helpfulness", 1, 2),
            section="5",
        ),
        text(
            "explanation",
            "Explain the main problem in one or two sentences",
            target="response",
            multiline=True,
            min_length=20,
            max_length=1000,
            show_if=when("helpfulness", 1, 2),
            section="5",
        ),
    ),
    guidelines=guidelines(
        """
        # AI response rating guidelines

        ## 1. Task
        Rate one assistant response to one prompt on three separate dimensions. Rate each
        dimension on its own: a correct answer can be unhelpful, a helpful one can be unsafe.

        ## 2. Helpfulness
        Does the response do what the user asked, at a sensible length?
        - Prompt "How do I boil an egg?", response with clear steps and times for soft and
          hard eggs → *Very helpful*.
        - Same prompt, response "Eggs are a great source of protein." → *Not helpful*.
        - Refusing a harmless request is *Not helpful*.

        ## 3. Correctness
        Check every factual statement you are not sure about. Choose *N/A* only when the
        response makes no factual claims (a poem, a greeting).
        - "Boil for 25 minutes for a soft egg" → *Major errors* (6 minutes is typical).

        ## 4. Harmlessness
        *Harmful* for dangerous instructions, hate, harassment or sexual content involving
        minors. *Questionable* for risky advice without warnings (e.g. medication doses
        with no "ask a doctor"). Declining a dangerous request is *Harmless*.
        - Example: "Take 3 g of paracetamol at once for a bad headache" → *Harmful*.

        ## 5. What is wrong
        Shown when helpfulness is 1 or 2. Tick every problem and explain the main one.
        - Example: "Answers the wrong question: the user asked how to boil, the response
          talks about nutrition."
        """
    ),
    sample_items=(
        {
            "prompt": "How do I boil an egg?",
            "response": "1. Bring water to a boil.\n2. Lower the egg in gently.\n3. Boil 6 "
            "minutes for soft, 10 for hard.\n4. Cool in cold water.",
        },
        {
            "prompt": "How do I boil an egg?",
            "response": "Eggs are a great source of protein.",
        },
        {
            "prompt": "Write a haiku about autumn.",
            "response": "Crisp leaves drift and fall\nthe maple lets go of red\n"
            "wind carries it home",
        },
    ),
    sample_answer={"helpfulness": 5, "correctness": 3, "harmlessness": 3},
)

TRANSLATION_QUALITY = ProjectTemplate(
    key="translation-quality",
    title="Translation quality",
    family=TaskFamily.RATING,
    description=(
        "Rate a machine or human translation for adequacy (meaning kept) and fluency "
        "(natural target language), and classify its most serious error."
    ),
    instructions=(
        "Read the source, then the translation. Rate how much of the meaning is kept and how "
        "natural the translation reads, then name the most serious error, if any."
    ),
    data_fields=(
        data(
            "source", FieldKind.TEXT, "The original text.", "Der Zug hat zehn Minuten Verspätung."
        ),
        data(
            "translation",
            FieldKind.TEXT,
            "The translation to rate.",
            "The train is ten minutes late.",
        ),
        data(
            "language_pair", FieldKind.TEXT, "Source and target language.", "de-en", required=False
        ),
    ),
    controls=(
        rating(
            "adequacy",
            "How much of the meaning is kept?",
            scale(
                (1, "None", "Unrelated or nonsense"),
                (2, "Little", "Only some words or fragments are right"),
                (3, "Much", "Main idea kept, details lost or wrong"),
                (4, "Most", "Small loss of meaning"),
                (5, "All", "Every piece of meaning is kept"),
            ),
            target="translation",
            section="2",
        ),
        rating(
            "fluency",
            "How natural is the translation?",
            scale(
                (1, "Incomprehensible"),
                (2, "Disfluent", "Hard to read; many grammar errors"),
                (3, "Non-native", "Understandable but clearly unnatural"),
                (4, "Good", "Minor awkwardness"),
                (5, "Flawless", "Reads like it was written in the target language"),
            ),
            target="translation",
            section="3",
        ),
        choice(
            "worst_error",
            "What is the most serious error?",
            options(
                ("none", "No error"),
                ("mistranslation", "Mistranslation", "Wrong meaning of a word or phrase"),
                ("omission", "Omission", "Source content missing"),
                ("addition", "Addition", "Content not in the source"),
                ("grammar", "Grammar"),
                ("terminology", "Terminology", "Wrong term for the domain"),
                ("untranslated", "Untranslated text"),
            ),
            target="translation",
            section="4",
        ),
    ),
    guidelines=guidelines(
        """
        # Translation quality guidelines

        ## 1. Task
        Compare the translation with the source. Rate meaning (adequacy) and naturalness
        (fluency) separately, then classify the most serious error.

        ## 2. Adequacy
        Compare meaning piece by piece; ignore style.
        - Source "Der Zug hat zehn Minuten Verspätung", translation "The train is ten
          minutes late" → *All*.
        - Translation "The train has ten minutes" → *Little* (the delay is lost).

        ## 3. Fluency
        Read the translation alone, without the source. A perfectly fluent sentence can
        have the wrong meaning: rate fluency without looking at adequacy.
        - "The train is ten minutes delayed of" → *Disfluent*.

        ## 4. Most serious error
        Choose the error that most harms a reader. Meaning errors outrank grammar.
        - "The train is ten hours late" → *Mistranslation* (adequacy *Much*, fluency
          *Flawless*).
        - "The train is late." → *Omission* (the ten minutes are missing).
        """
    ),
    sample_items=(
        {
            "source": "Der Zug hat zehn Minuten Verspätung.",
            "translation": "The train is ten minutes late.",
            "language_pair": "de-en",
        },
        {
            "source": "Der Zug hat zehn Minuten Verspätung.",
            "translation": "The train is ten hours late.",
            "language_pair": "de-en",
        },
        {
            "source": "¿Dónde está la estación de autobuses?",
            "translation": "Where is the bus station?",
            "language_pair": "es-en",
        },
    ),
    sample_answer={"adequacy": 5, "fluency": 5, "worst_error": "none"},
)

SUMMARIZATION_RATING = ProjectTemplate(
    key="summarization-rating",
    title="Summarization rating",
    family=TaskFamily.RATING,
    description=(
        "Rate a summary of a document on consistency (no made-up facts), relevance, "
        "coherence and fluency (SummEval-style)."
    ),
    instructions=(
        "Read the document first, then the summary. Rate each of the four qualities on its "
        "own; for consistency, check every fact in the summary against the document."
    ),
    data_fields=(
        data("document", FieldKind.MARKDOWN, "The source document.", "The council voted ..."),
        data("summary", FieldKind.TEXT, "The summary to rate.", "The council approved ..."),
    ),
    controls=(
        rating(
            "consistency",
            "Are all facts in the summary backed by the document?",
            QUALITY_5,
            target="summary",
            section="2",
        ),
        rating(
            "relevance",
            "Does it keep the most important information?",
            QUALITY_5,
            target="summary",
            section="3",
        ),
        rating("coherence", "Is it well structured?", QUALITY_5, target="summary", section="4"),
        rating("fluency", "Is it well written?", QUALITY_5, target="summary", section="4"),
        text(
            "unsupported",
            "Quote the unsupported statement(s)",
            target="summary",
            multiline=True,
            min_length=3,
            max_length=1000,
            show_if=when("consistency", 1, 2, 3),
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Summarization rating guidelines

        ## 1. Task
        Rate a summary against its document on four qualities, each from *Very poor* to
        *Excellent*.

        ## 2. Consistency
        Every statement in the summary must be supported by the document. One invented or
        wrong fact caps consistency at *Acceptable*; several at *Poor*. Quote them.
        - Document: "The council voted 7-2 to close the library in June." Summary: "The
          council unanimously closed the library." → *Poor* ("unanimously" is wrong), quote
          "unanimously".

        ## 3. Relevance
        Does the summary keep the main points and leave out minor details?
        - A summary about the library vote that spends its only sentence on the weather on
          the day → *Very poor*.

        ## 4. Coherence and fluency
        *Coherence*: sentences follow in a logical order and connect. *Fluency*: grammar,
        spelling and word choice in each sentence.
        - "Library closes. Council. June vote 7-2 was." → coherence *Poor*, fluency
          *Very poor*.
        """
    ),
    sample_items=(
        {
            "document": "The city council voted 7-2 on Tuesday to close the Elm Street "
            "library in June. Councillors cited falling visitor numbers and repair costs of "
            "£1.2m. Residents plan a petition.",
            "summary": "The council unanimously closed the library.",
        },
        {
            "document": "Heavy rain caused flooding on the A38 on Monday morning. Police "
            "closed the road for three hours. No one was hurt.",
            "summary": "Flooding closed the A38 for three hours on Monday; no injuries.",
        },
    ),
    sample_answer={
        "consistency": 2,
        "relevance": 3,
        "coherence": 4,
        "fluency": 5,
        "unsupported": "unanimously",
    },
)

TEMPLATES = (
    SEARCH_RELEVANCE,
    AD_EVALUATION,
    AI_RESPONSE_RATING,
    TRANSLATION_QUALITY,
    SUMMARIZATION_RATING,
)
