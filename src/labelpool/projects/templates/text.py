"""Text templates: sentiment, intent, spam, harmful content, entities, keywords, grammar,
question categories, fact checking and verification of others' labels."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    choice,
    data,
    guidelines,
    labels,
    options,
    rating,
    scale,
    spans,
    text,
    when,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

TEXT_SENTIMENT = ProjectTemplate(
    key="text-sentiment",
    title="Text sentiment",
    family=TaskFamily.TEXT,
    description="Classify the overall sentiment of a review or post: positive, negative, "
    "neutral or mixed.",
    instructions=(
        "Read the whole text and choose the sentiment the author expresses overall. Judge "
        "the author's own attitude, not the topic."
    ),
    data_fields=(
        data(
            "text",
            FieldKind.TEXT,
            "A product review, comment or post.",
            "Battery lasts two days, love it.",
        ),
    ),
    controls=(
        choice(
            "sentiment",
            "What sentiment does the author express?",
            options(
                ("positive", "Positive"),
                ("negative", "Negative"),
                ("neutral", "Neutral", "Factual, no attitude expressed"),
                ("mixed", "Mixed", "Clear positive and clear negative parts"),
            ),
            target="text",
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Sentiment guidelines

        ## 1. Task
        Choose the sentiment the **author** expresses in the text as a whole.

        ## 2. Labels
        ### 2.1 Positive and negative
        The author likes, praises, recommends, or is happy (*Positive*), or dislikes,
        complains, warns, or is unhappy (*Negative*).
        - Example: "Battery lasts two days, love it." → *Positive*.
        - Example: "Arrived late and the box was crushed." → *Negative*.

        ### 2.2 Neutral
        Facts, questions or announcements without an attitude.
        - Example: "Does this come in blue?" → *Neutral*.

        ### 2.3 Mixed
        Both a clear positive and a clear negative opinion, with neither dominating.
        If one side clearly dominates, choose that side.
        - Example: "Great screen, but the speakers are awful." → *Mixed*.
        - Example: "Tiny scratch on the case, otherwise perfect, would buy again." →
          *Positive* (the complaint is minor).

        ## 3. Edge cases
        - Sarcasm: label the meaning, not the words. "Oh great, it broke on day one." →
          *Negative*.
        - Negative topic, neutral author: "The report lists 40 casualties." → *Neutral*.
        - Emojis count as opinion when they are the only signal: "Delivered 👍" → *Positive*.
        """
    ),
    sample_items=(
        {"text": "Battery lasts two days, love it."},
        {"text": "Great screen, but the speakers are awful."},
        {"text": "Oh great, it broke on day one."},
    ),
    sample_answer={"sentiment": "positive"},
)

TEXT_INTENT = ProjectTemplate(
    key="text-intent",
    title="Text intent",
    family=TaskFamily.TEXT,
    description=(
        "Classify what a customer wants from a banking assistant message (check balance, "
        "transfer, lost card, dispute ...) to train an intent classifier."
    ),
    instructions=(
        "Read the customer's message and choose what they want the bank to do. If the "
        "message asks for several things, choose the first thing they need done."
    ),
    data_fields=(
        data(
            "text",
            FieldKind.TEXT,
            "One message a customer sent to the bank's assistant.",
            "how much money do i have left",
        ),
    ),
    controls=(
        choice(
            "intent",
            "What does the customer want?",
            options(
                ("check_balance", "Check balance"),
                ("transfer_money", "Transfer money", "Send or move money, pay someone"),
                ("lost_card", "Lost or stolen card", "Block, freeze or replace a card"),
                ("dispute_charge", "Dispute a charge", "Unknown, wrong or double payment"),
                ("open_account", "Open an account"),
                ("close_account", "Close an account"),
                ("loan_inquiry", "Loans and credit", "Loans, mortgages, credit limit"),
                ("speak_to_agent", "Talk to a human"),
                ("greeting", "Greeting or thanks only"),
                ("out_of_scope", "Not a banking request"),
            ),
            target="text",
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Intent guidelines

        ## 1. Task
        Each message was typed by a customer to a bank's chat assistant. Choose the action
        the customer wants. Ignore spelling mistakes and missing punctuation.

        ## 2. Intents
        ### 2.1 Account and money
        - *Check balance*: "how much money do i have left" → *Check balance*.
        - *Transfer money*: includes paying bills and sending to friends.
          "send 50 to mum" → *Transfer money*.

        ### 2.2 Cards and charges
        - *Lost or stolen card* also covers a card kept by an ATM.
        - *Dispute a charge*: "there's a payment from NETFLX i never made" →
          *Dispute a charge*, even if the card may be compromised.

        ### 2.3 Several requests
        Choose the first request the customer needs handled.
        - Example: "I lost my card, also what's my balance?" → *Lost or stolen card*.

        ### 2.4 Other messages
        - *Talk to a human*: explicit requests for a person or a phone call.
        - *Greeting or thanks only*: "hi", "thanks, that's all".
        - *Not a banking request*: "what's the weather tomorrow" → *Not a banking request*.

        ## 3. When unsure
        Pick the most likely intent; do not default to *Not a banking request* for unclear
        banking messages.
        - Example: "card??" → *Lost or stolen card* is more likely than anything else.
        """
    ),
    sample_items=(
        {"text": "how much money do i have left"},
        {"text": "I lost my card, also what's my balance?"},
        {"text": "there's a payment from NETFLX i never made"},
    ),
    sample_answer={"intent": "check_balance"},
)

SPAM_DETECTION = ProjectTemplate(
    key="spam-detection",
    title="Spam detection",
    family=TaskFamily.TEXT,
    description=(
        "Decide whether a message (SMS, e-mail or comment) is spam and, if so, what kind: "
        "phishing, scam, unsolicited advertising, malware or adult content."
    ),
    instructions=(
        "Read the message and its sender. Decide whether it is spam, meaning unsolicited bulk "
        "or deceptive content; if it is, tick every kind of spam it is."
    ),
    data_fields=(
        data("text", FieldKind.TEXT, "The message body.", "You have won a £500 voucher!"),
        data(
            "sender", FieldKind.TEXT, "Sender name or address.", "+44 7700 900123", required=False
        ),
    ),
    controls=(
        choice(
            "is_spam",
            "Is this message spam?",
            options(
                ("spam", "Spam"),
                ("not_spam", "Not spam"),
            ),
            target="text",
            section="2",
        ),
        choice(
            "spam_type",
            "What kind of spam is it?",
            options(
                ("phishing", "Phishing", "Asks for passwords, codes or card details"),
                ("scam", "Scam or fraud", "Prizes, investments, fake deliveries, romance"),
                ("advertising", "Unsolicited advertising"),
                ("malware", "Malware link or attachment"),
                ("adult", "Adult content"),
                ("other", "Other spam"),
            ),
            target="text",
            multiple=True,
            min_selected=1,
            show_if=when("is_spam", "spam"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Spam detection guidelines

        ## 1. Task
        Decide whether each message is spam; if it is, say what kind.

        ## 2. Spam or not
        ### 2.1 Spam
        Unsolicited messages sent in bulk, or messages that try to deceive the reader.
        - Example: "You have won a £500 voucher! Claim at bit.ly/x2" → *Spam*.

        ### 2.2 Not spam
        Personal messages, expected notifications (order shipped, one-time codes the user
        requested), and marketing from a service the user clearly signed up for.
        - Example: "Your code is 448 201. Don't share it." → *Not spam*.
        - Example: "Hi Sam, running 10 min late" → *Not spam*.

        ### 2.3 When unsure
        Look at the sender: a random number or a misspelt brand ("PayPa1") is a strong
        spam signal. A genuine-looking message asking you to "verify" a password via a
        link is still spam (phishing).

        ## 3. Kind of spam
        Tick every kind that applies.
        - "Your parcel is held, pay £1.99 customs: royalmail-fee.co" → *Phishing* and
          *Scam or fraud*.
        - "50% off all sofas this weekend only!!!" from an unknown sender → *Unsolicited
          advertising*.
        - "Invoice attached, open invoice.zip" from a stranger → *Malware link or attachment*.
        """
    ),
    sample_items=(
        {"text": "You have won a £500 voucher! Claim at bit.ly/x2", "sender": "+44 7700 900123"},
        {"text": "Your code is 448 201. Don't share it.", "sender": "MyBank"},
        {"text": "Hi Sam, running 10 min late"},
    ),
    sample_answer={"is_spam": "spam", "spam_type": ["scam"]},
)

HARMFUL_CONTENT = ProjectTemplate(
    key="harmful-content",
    title="Harmful content",
    family=TaskFamily.TEXT,
    description=(
        "Trust and safety review: flag harmful user content, name the policy categories "
        "it violates and rate its severity."
    ),
    instructions=(
        "Read the content in full. Decide whether it violates the content policy; if it does, "
        "tick every category it falls under and rate how severe it is."
    ),
    data_fields=(
        data(
            "text",
            FieldKind.TEXT,
            "User-generated content to review.",
            "I know where you live, watch out",
        ),
        data(
            "context",
            FieldKind.TEXT,
            "Where it was posted, or the post it replies to.",
            "Reply on a football forum",
            required=False,
        ),
    ),
    controls=(
        choice(
            "harmful",
            "Does the content violate the policy?",
            options(
                ("yes", "Yes, harmful"),
                ("no", "No"),
            ),
            target="text",
            section="2",
        ),
        choice(
            "categories",
            "Which categories apply?",
            options(
                ("harassment", "Harassment or bullying", "Targets a specific person"),
                ("hate", "Hate speech", "Attacks a protected group"),
                ("violence", "Violent threats or incitement"),
                ("self_harm", "Self-harm or suicide promotion"),
                ("sexual", "Sexual content"),
                ("dangerous", "Dangerous acts or goods", "Weapons, drugs, instructions"),
                ("misinformation", "Harmful misinformation", "Health or election falsehoods"),
            ),
            target="text",
            multiple=True,
            min_selected=1,
            show_if=when("harmful", "yes"),
            section="3",
        ),
        rating(
            "severity",
            "How severe is it?",
            scale(
                (1, "Low", "Rude or borderline; remove only if repeated"),
                (2, "Medium", "Clear violation aimed at people, no real-world danger"),
                (3, "High", "Threats, slurs, explicit content or dangerous instructions"),
                (4, "Critical", "Imminent danger to someone's life or safety; escalate"),
            ),
            target="text",
            show_if=when("harmful", "yes"),
            section="4",
        ),
    ),
    guidelines=guidelines(
        """
        # Harmful content guidelines

        ## 1. Task
        Review user content against the policy: is it harmful, in which categories, and how
        severe. Take breaks; you can skip an item that is distressing for you.

        ## 2. Harmful or not
        Content is harmful when it attacks, threatens, sexualises or endangers people, or
        spreads dangerous falsehoods. Strong language alone is not harmful.
        - Example: "This ref is blind, worst game ever" → *No* (criticism, no attack).
        - Example: news reporting on a violent event → *No*; praising it → *Yes*.

        ## 3. Categories
        Tick all that apply.
        ### 3.1 Harassment vs. hate
        *Harassment* targets an individual; *Hate speech* attacks people for a protected
        characteristic (ethnicity, religion, gender, sexuality, disability ...).
        - Example: "People like you from <country> should be banned" → *Hate speech*, and
          also *Harassment* if addressed to a specific user.

        ### 3.2 Other categories
        - "I know where you live, watch out" → *Violent threats or incitement*.
        - "Drinking bleach cures the flu" → *Harmful misinformation*.

        ## 4. Severity
        Rate the worst part of the content. Choose *Critical* only for an imminent, credible
        danger (a specific threat with time or place, or a person at risk of suicide), and
        also use the report button to escalate.
        - Example: "I know where you live, watch out" → *High*.
        - Example: "I'm going to end it tonight, I have the pills" → *Self-harm*, *Critical*.
        """
    ),
    sample_items=(
        {"text": "I know where you live, watch out", "context": "Reply to a product review"},
        {"text": "This ref is blind, worst game ever", "context": "Football forum"},
        {"text": "Drinking bleach cures the flu, my uncle did it"},
    ),
    sample_answer={"harmful": "yes", "categories": ["harassment", "violence"], "severity": 3},
)

NAMED_ENTITIES = ProjectTemplate(
    key="named-entities",
    title="Named entities",
    family=TaskFamily.TEXT,
    description=(
        "Highlight names of people, organisations, locations and other named things "
        "(CoNLL-style PER / ORG / LOC / MISC)."
    ),
    instructions=(
        "Select every name in the text and give it a type: person, organisation, location or "
        "miscellaneous. Select the whole name and nothing more, without titles or punctuation."
    ),
    data_fields=(
        data(
            "text",
            FieldKind.TEXT,
            "A sentence or paragraph of news text.",
            "Angela Merkel visited Renault in Paris.",
        ),
    ),
    controls=(
        spans(
            "entities",
            "Highlight every named entity",
            labels(
                ("PER", "Person", "#e6194b"),
                ("ORG", "Organisation", "#4363d8"),
                ("LOC", "Location", "#3cb44b"),
                ("MISC", "Miscellaneous", "#f58231"),
            ),
            target="text",
            allow_overlap=False,
            required=False,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Named entity guidelines

        ## 1. Task
        Highlight each name in the text and give it one type. Most sentences have a few
        names; some have none (submit with no highlights).

        ## 2. Entity types
        ### 2.1 PER, ORG, LOC
        - *Person*: real or fictional people, including nicknames ("Messi").
        - *Organisation*: companies, teams, parties, agencies, universities, bands.
        - *Location*: countries, cities, regions, rivers, mountains, addresses.
        - Example: "Angela Merkel visited Renault in Paris." → `Angela Merkel` PER,
          `Renault` ORG, `Paris` LOC.

        ### 2.2 MISC
        Other proper names: nationalities and languages ("German"), events ("World Cup"),
        products ("iPhone 15"), works of art, laws.

        ### 2.3 Context decides
        The same word can have different types: "Chelsea won" → `Chelsea` ORG (the club);
        "flats in Chelsea" → `Chelsea` LOC.

        ## 3. Span boundaries
        Select the full name without titles, articles or trailing punctuation:
        "Dr. Jane Smith" → `Jane Smith`; "the United Nations" → `United Nations`.
        Do not highlight pronouns or common nouns ("the company", "he").
        - Example: "Lufthansa flights from Frankfurt Airport" → `Lufthansa` ORG,
          `Frankfurt Airport` LOC (one span, not two).
        """
    ),
    sample_items=(
        {"text": "Angela Merkel visited Renault in Paris."},
        {"text": "Chelsea won 2-0 at Anfield on Sunday, said manager Mauricio Pochettino."},
        {"text": "The new iPhone goes on sale in Japan on Friday."},
    ),
    sample_answer={
        "entities": [
            {"start": 0, "end": 13, "label": "PER"},
            {"start": 22, "end": 29, "label": "ORG"},
            {"start": 33, "end": 38, "label": "LOC"},
        ]
    },
)

KEYWORD_HIGHLIGHTING = ProjectTemplate(
    key="keyword-highlighting",
    title="Keyword highlighting",
    family=TaskFamily.TEXT,
    description=(
        "Highlight the words and short phrases in a text that carry its given topic "
        "(for search keywords, tagging and extractive highlights)."
    ),
    instructions=(
        "Read the topic, then the text. Highlight the words or short phrases (1-4 words) "
        "that someone skimming for that topic must not miss. Highlight little, not everything."
    ),
    data_fields=(
        data("topic", FieldKind.TEXT, "The topic to look for.", "Battery life"),
        data(
            "text",
            FieldKind.TEXT,
            "The text to highlight in.",
            "The phone lasts all day, but charging is slow.",
        ),
    ),
    controls=(
        spans(
            "keywords",
            "Highlight the key words for the topic",
            labels(("keyword", "Keyword", "#ffe119")),
            target="text",
            required=False,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Keyword highlighting guidelines

        ## 1. Task
        Each item has a **topic** and a **text**. Highlight the words that carry what the
        text says about the topic. If the text says nothing about it, submit no highlights.

        ## 2. What to highlight
        ### 2.1 Key words and phrases
        Highlight nouns, verbs and adjectives that carry the information, as phrases of
        1-4 words. Do not highlight whole sentences, stop words ("the", "and") or words that
        only repeat the topic name without saying anything.
        - Topic *Battery life*, text "The phone lasts all day, but charging is slow." →
          `lasts all day`, `charging is slow`.

        ### 2.2 How much
        Usually 1-5 highlights per item. If you have highlighted more than a third of the
        text, remove the weaker ones.

        ### 2.3 Off-topic text
        Opinions on other topics are not highlighted, however strong.
        - Topic *Delivery*, text "Love the colour! Arrived two days late." →
          `two days late` only.

        ## 3. Boundaries
        Start and end on whole words; leave out punctuation and spaces at the edges.
        - Example: "...lasts all day, but" → highlight `lasts all day`, not `lasts all day,`.
        """
    ),
    sample_items=(
        {"topic": "Battery life", "text": "The phone lasts all day, but charging is slow."},
        {"topic": "Delivery", "text": "Love the colour! Arrived two days late."},
        {"topic": "Price", "text": "Way too expensive for what you get, though it looks nice."},
    ),
    sample_answer={
        "keywords": [
            {"start": 10, "end": 23, "label": "keyword"},
            {"start": 29, "end": 45, "label": "keyword"},
        ]
    },
)

GRAMMAR_ISSUES = ProjectTemplate(
    key="grammar-issues",
    title="Grammar issues",
    family=TaskFamily.TEXT,
    description=(
        "Mark spelling, grammar, punctuation and word-choice errors in a text and write the "
        "corrected version (grammatical error correction data)."
    ),
    instructions=(
        "Highlight each error and choose its type, then write the whole text again with "
        "every error fixed. Change as little as possible: correct, do not rewrite."
    ),
    data_fields=(
        data(
            "text",
            FieldKind.TEXT,
            "A sentence or short paragraph written by a learner or a user.",
            "She dont like apples, she prefer oranges.",
        ),
    ),
    controls=(
        spans(
            "issues",
            "Highlight each error",
            labels(
                ("spelling", "Spelling", "#e6194b"),
                ("grammar", "Grammar", "#4363d8"),
                ("punctuation", "Punctuation", "#f58231"),
                ("word_choice", "Word choice", "#911eb4"),
            ),
            target="text",
            required=False,
            section="2",
        ),
        text(
            "correction",
            "The text with every error fixed",
            target="text",
            multiline=True,
            min_length=1,
            max_length=5000,
            editable_target=True,
            description="Copy the text unchanged if it has no errors.",
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Grammar issue guidelines

        ## 1. Task
        Find errors in standard written English, mark each with its type, and write the
        corrected text.

        ## 2. Marking errors
        ### 2.1 Types
        - *Spelling*: misspelt words ("recieve").
        - *Grammar*: agreement, tense, articles, word order ("she dont").
        - *Punctuation*: missing or wrong commas, apostrophes, full stops ("its" for "it's"
          counts as *Punctuation* only when the apostrophe is the whole problem).
        - *Word choice*: a real word used wrongly ("make a photo" → "take a photo").

        ### 2.2 Span size
        Highlight the smallest stretch that has to change, usually one or two words.
        - Example: "She dont like apples, she prefer oranges." → `dont` *Grammar*,
          `prefer` *Grammar*, and the comma *Punctuation* (a comma splice).

        ### 2.3 Not errors
        Style preferences, British vs. American spelling, and informal but correct
        language are not errors.

        ## 3. Corrected text
        Rewrite the whole text with minimal changes that fix every marked error, and
        nothing else. If there are no errors, copy it unchanged.
        - Example: → "She doesn't like apples; she prefers oranges."
        """
    ),
    sample_items=(
        {"text": "She dont like apples, she prefer oranges."},
        {"text": "I recieved you're message yesterday."},
        {"text": "The meeting is on Tuesday at 10 a.m."},
    ),
    sample_answer={
        "issues": [
            {"start": 4, "end": 8, "label": "grammar"},
            {"start": 20, "end": 21, "label": "punctuation"},
            {"start": 26, "end": 32, "label": "grammar"},
        ],
        "correction": "She doesn't like apples; she prefers oranges.",
    },
)

QUESTION_CATEGORIZATION = ProjectTemplate(
    key="question-categorization",
    title="Question categorization",
    family=TaskFamily.TEXT,
    description=(
        "Classify questions by the type of answer they expect (person, place, number, "
        "definition ...), as in the TREC question classification scheme."
    ),
    instructions=(
        "Read the question and choose the type of answer it expects, not its topic. Ask "
        "yourself: what kind of thing would the correct answer be?"
    ),
    data_fields=(data("question", FieldKind.TEXT, "One question.", "Who wrote Hamlet?"),),
    controls=(
        choice(
            "answer_type",
            "What type of answer does the question expect?",
            options(
                ("person", "Person or group", "Who ...?"),
                ("location", "Location", "Where ...? Which country ...?"),
                ("number", "Number, date or amount", "When, how many, how much, how long"),
                ("entity", "Thing or entity", "Animals, products, colours, events, terms"),
                ("description", "Description or reason", "Why, how, what is a definition"),
                ("abbreviation", "Abbreviation", "What does X stand for?"),
                ("not_a_question", "Not a question"),
            ),
            target="question",
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Question categorization guidelines

        ## 1. Task
        Choose the **type of the answer** each question expects. The topic does not matter:
        "Who invented the telephone?" and "Who won the 1998 World Cup?" are both
        *Person or group*.

        ## 2. Answer types
        ### 2.1 Question words can mislead
        Decide from the answer, not the first word.
        - "What is the capital of Peru?" → *Location* (answer: Lima).
        - "What year did the Berlin Wall fall?" → *Number, date or amount*.
        - "Which company makes the Model 3?" → *Person or group* (answer: an organisation).

        ### 2.2 Description or reason
        Definitions, explanations, manners and reasons.
        - "What is photosynthesis?" → *Description or reason*.
        - "Why is the sky blue?" → *Description or reason*.

        ### 2.3 Thing or entity
        Any other concrete or named thing: animals, foods, colours, sports, books, events.
        - "What is the fastest land animal?" → *Thing or entity*.

        ### 2.4 Abbreviation
        Only when the question asks what an abbreviation stands for, or for the short form.
        - "What does NASA stand for?" → *Abbreviation*.

        ## 3. Not a question
        Statements or commands with no question: "Tell me a joke" → *Not a question*.
        """
    ),
    sample_items=(
        {"question": "Who wrote Hamlet?"},
        {"question": "What is the capital of Peru?"},
        {"question": "What does NASA stand for?"},
    ),
    sample_answer={"answer_type": "person"},
)

FACT_CHECKING = ProjectTemplate(
    key="fact-checking",
    title="Fact checking",
    family=TaskFamily.TEXT,
    description=(
        "Decide whether a claim is supported or refuted by the given evidence (FEVER-style "
        "verdicts) and explain the decision in a short note."
    ),
    instructions=(
        "Read the claim, then the evidence. Judge the claim using only the evidence shown, "
        "not your own knowledge, and write one or two sentences citing the deciding part."
    ),
    data_fields=(
        data("claim", FieldKind.TEXT, "The claim to check.", "The Eiffel Tower is in Rome."),
        data(
            "evidence",
            FieldKind.MARKDOWN,
            "Evidence passages from a reference source.",
            "The Eiffel Tower is a wrought-iron lattice tower in Paris, France.",
        ),
        data(
            "source_url",
            FieldKind.URL,
            "Where the evidence comes from.",
            "https://example.org/wiki/Eiffel_Tower",
            required=False,
        ),
    ),
    controls=(
        choice(
            "verdict",
            "Does the evidence support the claim?",
            options(
                ("supported", "Supported", "The evidence shows the claim is true"),
                ("refuted", "Refuted", "The evidence shows the claim is false"),
                ("not_enough_info", "Not enough information"),
            ),
            target="claim",
            section="2",
        ),
        text(
            "evidence_note",
            "Why? Quote or point to the deciding evidence",
            target="evidence",
            multiline=True,
            min_length=15,
            max_length=1000,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Fact checking guidelines

        ## 1. Task
        Decide whether the **evidence** supports or refutes the **claim**. Use only the
        evidence shown: what you know yourself does not count.

        ## 2. Verdicts
        ### 2.1 Supported
        Every part of the claim is backed by the evidence.
        - Claim "Paris is the capital of France", evidence "Paris is the capital and most
          populous city of France" → *Supported*.

        ### 2.2 Refuted
        The evidence contradicts at least one part of the claim.
        - Claim "The Eiffel Tower is in Rome", evidence "The Eiffel Tower is a wrought-iron
          lattice tower in Paris, France" → *Refuted* (a tower in Paris is not in Rome).

        ### 2.3 Not enough information
        The evidence neither confirms nor contradicts the claim, even if you know the
        answer.
        - Claim "The Eiffel Tower has 1,665 steps", evidence only about its location →
          *Not enough information*.

        ### 2.4 Partly true claims
        A claim with one false part is *Refuted*. "Einstein, born in Germany in 1900" with
        evidence "born in Ulm, Germany, on 14 March 1879" → *Refuted*.

        ## 3. Evidence note
        Write one or two sentences naming or quoting the sentence that decides. For *Not
        enough information*, say what is missing.
        - Example: "Evidence says the tower is in Paris, France, not Rome."
        """
    ),
    sample_items=(
        {
            "claim": "The Eiffel Tower is in Rome.",
            "evidence": "The Eiffel Tower is a wrought-iron lattice tower in Paris, France.",
            "source_url": "https://example.org/wiki/Eiffel_Tower",
        },
        {
            "claim": "Albert Einstein was born in Germany in 1900.",
            "evidence": "Albert Einstein was born in Ulm, Germany, on 14 March 1879.",
        },
        {
            "claim": "The Amazon is the longest river in South America.",
            "evidence": "The Amazon River in South America is the largest river by discharge "
            "volume of water in the world.",
        },
    ),
    sample_answer={
        "verdict": "refuted",
        "evidence_note": "The evidence says the tower is in Paris, France, not Rome.",
    },
)

QUALITY_VERIFICATION = ProjectTemplate(
    key="quality-verification",
    title="Quality verification",
    family=TaskFamily.TEXT,
    description=(
        "Check labels proposed by a model or another contributor: mark each as correct or "
        "incorrect and give the corrected label when it is wrong."
    ),
    instructions=(
        "Read the item and the question it was labelled for, then the proposed label. Say "
        "whether the label is correct; if it is not, type the correct label."
    ),
    data_fields=(
        data(
            "question",
            FieldKind.TEXT,
            "The labelling question the proposed label answers.",
            "What product category is this listing?",
        ),
        data(
            "content",
            FieldKind.TEXT,
            "The item that was labelled.",
            "Stainless steel 1.7 L electric kettle, 3000 W, auto shut-off",
        ),
        data(
            "image",
            FieldKind.IMAGE,
            "An image of the item, if there is one.",
            "images/kettle.jpg",
            required=False,
        ),
        data("proposed_label", FieldKind.TEXT, "The label to verify.", "Home & Kitchen"),
        data(
            "allowed_labels",
            FieldKind.JSON,
            "The list of labels that may be used, if fixed.",
            ["Home & Kitchen", "Electronics", "Garden"],
            required=False,
        ),
    ),
    controls=(
        choice(
            "verdict",
            "Is the proposed label correct?",
            options(
                ("correct", "Correct"),
                ("incorrect", "Incorrect"),
                ("cannot_judge", "Cannot judge", "The item is broken, empty or unreadable"),
            ),
            target="proposed_label",
            section="2",
        ),
        text(
            "corrected_label",
            "What is the correct label?",
            target="proposed_label",
            min_length=1,
            max_length=200,
            show_if=when("verdict", "incorrect"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Quality verification guidelines

        ## 1. Task
        Someone (a model or a contributor) answered a labelling question about an item.
        Check their label. You are the last check before the data is used, so be exact.

        ## 2. Verdict
        ### 2.1 Correct
        The label is the best answer to the question among the allowed labels. A label that
        is acceptable but clearly not the best is *Incorrect*.
        - Listing "1.7 L electric kettle, 3000 W", label *Home & Kitchen* → *Correct*.

        ### 2.2 Incorrect
        - Same listing, label *Electronics* → *Incorrect* (kettles belong to Home &
          Kitchen, even though they are electric).

        ### 2.3 Cannot judge
        Use only when the item itself is broken: an empty text, an image that does not
        load, text in a language you cannot read. Not for hard items: decide those.

        ## 3. Corrected label
        Type the correct label exactly as written in the allowed labels (same spelling and
        capitals). If no allowed labels are shown, use the wording of the question.
        - Example: → `Home & Kitchen`.
        """
    ),
    sample_items=(
        {
            "question": "What product category is this listing?",
            "content": "Stainless steel 1.7 L electric kettle, 3000 W, auto shut-off",
            "image": "images/kettle.jpg",
            "proposed_label": "Electronics",
            "allowed_labels": ["Home & Kitchen", "Electronics", "Garden"],
        },
        {
            "question": "What product category is this listing?",
            "content": "Cordless hedge trimmer, 18 V, 50 cm blade",
            "proposed_label": "Garden",
            "allowed_labels": ["Home & Kitchen", "Electronics", "Garden"],
        },
        {
            "question": "What is the sentiment of this review?",
            "content": "Arrived late and the box was crushed.",
            "proposed_label": "negative",
        },
    ),
    sample_answer={"verdict": "incorrect", "corrected_label": "Home & Kitchen"},
)

TEMPLATES = (
    TEXT_SENTIMENT,
    TEXT_INTENT,
    SPAM_DETECTION,
    HARMFUL_CONTENT,
    NAMED_ENTITIES,
    KEYWORD_HIGHLIGHTING,
    GRAMMAR_ISSUES,
    QUESTION_CATEGORIZATION,
    FACT_CHECKING,
    QUALITY_VERIFICATION,
)
