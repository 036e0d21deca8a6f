"""Text samples shipped with the demo: reviews, search results, AI answers, conversations.

Some rows carry `gold` (known answers): the demo's gold items.
"""

from __future__ import annotations

from typing import Any

REVIEWS: list[dict[str, Any]] = [
    {
        "id": "rev-1",
        "text": "Battery easily lasts two days and the screen is gorgeous. Best phone I have owned.",
        "gold": {"sentiment": "positive"},
    },
    {
        "id": "rev-2",
        "text": "Stopped charging after three weeks. Support sent me in circles for a month.",
        "gold": {"sentiment": "negative"},
    },
    {"id": "rev-3", "text": "It is a kettle. It boils water. Nothing more to say."},
    {
        "id": "rev-4",
        "text": "Lovely fabric and fits well, but the colour faded after the first wash.",
        "gold": {"sentiment": "mixed"},
    },
    {"id": "rev-5", "text": "Arrived a day early and set up in five minutes. My kids love it."},
    {"id": "rev-6", "text": "The hinge cracked the first time I opened it. Returning it."},
    {"id": "rev-7", "text": "Does what the box says. Price is fair for what you get."},
    {"id": "rev-8", "text": "Sound is crisp and the noise cancelling is magic on the train."},
    {
        "id": "rev-9",
        "text": "Comfortable for an hour, then the ear cups start to hurt. Bass is great though.",
    },
    {"id": "rev-10", "text": "Instructions were only in German and two screws were missing."},
    {"id": "rev-11", "text": "Ordered the blue one, received grey. Otherwise fine."},
    {"id": "rev-12", "text": "Absolutely worth it. I bought a second one for my parents."},
]

SEARCH_RESULTS: list[dict[str, Any]] = [
    {
        "id": "q1-1",
        "query": "how to repot a snake plant",
        "locale": "en-GB",
        "url": "https://www.example.org/gardening/repotting-snake-plants",
        "title": "Repotting a Snake Plant: Step-by-Step Guide",
        "snippet": "Choose a pot one size larger, loosen the roots gently and use a free-draining cactus mix...",
        "gold": {"relevance": 5},
    },
    {
        "id": "q1-2",
        "query": "how to repot a snake plant",
        "locale": "en-GB",
        "url": "https://shop.example.com/plants/snake-plant-large",
        "title": "Snake Plant (Sansevieria) 60 cm - Buy Online",
        "snippet": "Free delivery on orders over £40. Pot not included.",
    },
    {
        "id": "q2-1",
        "query": "python sort list of dicts by key",
        "url": "https://docs.example.dev/python/sorting-howto",
        "title": "Sorting HOW TO - Python documentation",
        "snippet": "Use sorted(items, key=lambda d: d['name']) or operator.itemgetter for speed...",
    },
    {
        "id": "q2-2",
        "query": "python sort list of dicts by key",
        "url": "https://forum.example.net/t/snakes-as-pets",
        "title": "Keeping pythons as pets: what to know",
        "snippet": "Ball pythons need a warm side of 32 °C and a hide on each end...",
        "gold": {"relevance": 1},
    },
    {
        "id": "q3-1",
        "query": "train times london to brighton sunday",
        "locale": "en-GB",
        "url": "https://rail.example.co.uk/timetables/london-brighton",
        "title": "London to Brighton trains | Times & tickets",
        "snippet": "Trains run every 30 minutes on Sundays from London Victoria; journey from 58 min.",
    },
    {
        "id": "q3-2",
        "query": "train times london to brighton sunday",
        "locale": "en-GB",
        "url": "https://blog.example.com/brighton-day-trip",
        "title": "A perfect day in Brighton",
        "snippet": "Start on the pier, then wander the Lanes for vintage shops and coffee...",
    },
]

AI_RESPONSES: list[dict[str, Any]] = [
    {
        "id": "ai-1",
        "prompt": "Explain what a mortgage offset account is in two sentences.",
        "response": "An offset account is a savings account linked to your mortgage. Its balance is subtracted from the loan balance before interest is charged, so you pay less interest while keeping access to your money.",
    },
    {
        "id": "ai-2",
        "prompt": "What is the capital of Australia?",
        "response": "The capital of Australia is **Sydney**, its largest city.",
        "gold": {"correctness": 1},
    },
    {
        "id": "ai-3",
        "prompt": "Write a haiku about a rainy Monday.",
        "response": "Grey rain on the glass\nthe kettle hums its slow song\nMonday takes its time",
    },
    {
        "id": "ai-4",
        "prompt": "Give me three tips to fall asleep faster.",
        "response": "1. Keep a fixed wake-up time, even at weekends.\n2. Dim screens and lights an hour before bed.\n3. If you are awake after 20 minutes, get up and read until sleepy.",
    },
    {
        "id": "ai-5",
        "prompt": "Convert 72 °F to Celsius and show the formula.",
        "response": "C = (F - 32) x 5/9, so (72 - 32) x 5/9 = 22.2 °C.",
    },
]

COMPARISONS: list[dict[str, Any]] = [
    {
        "id": "cmp-1",
        "prompt": "Explain recursion to a ten-year-old.",
        "response_a": "Imagine a set of nesting dolls: to find the smallest one you open a doll, and inside is a smaller doll, and you keep opening until there is nothing left to open. Recursion is a rule that uses itself on a smaller piece until the piece is tiny.",
        "response_b": "Recursion is when a function calls itself. Example:\n\n```python\ndef f(n):\n    return 1 if n == 0 else n * f(n - 1)\n```",
    },
    {
        "id": "cmp-2",
        "prompt": "Suggest a name for a bakery in a seaside town.",
        "response_a": "The Salty Crumb",
        "response_b": "Bakery Shop 1",
        "gold": {"preference": {"winner": "a"}},
    },
    {
        "id": "cmp-3",
        "prompt": "How many legs does a spider have?",
        "response_a": "Spiders have eight legs.",
        "response_b": "Spiders have six legs, like all insects.",
    },
    {
        "id": "cmp-4",
        "prompt": "Summarise the plot of Romeo and Juliet in one sentence.",
        "response_a": "Two young lovers from feuding families in Verona marry in secret, and a chain of misunderstandings ends in both their deaths, which finally reconciles the families.",
        "response_b": "Romeo and Juliet fall in love and it is sad.",
    },
]

CONVERSATIONS: list[dict[str, Any]] = [
    {
        "id": "conv-1",
        "assistant_brief": "Airline support assistant",
        "conversation": [
            {"role": "user", "content": "My flight LP204 was cancelled. Can I get a refund?"},
            {
                "role": "assistant",
                "content": "I'm sorry about the cancellation. Yes: for a cancelled flight you can choose a full refund or a free rebooking. Would you like me to start the refund?",
            },
            {"role": "user", "content": "Yes please, to my original card."},
            {
                "role": "assistant",
                "content": "Done. The refund of £184.20 is on its way to the card ending 4421 and should arrive in 5-7 working days.",
            },
        ],
    },
    {
        "id": "conv-2",
        "assistant_brief": "Cooking helper",
        "conversation": [
            {"role": "user", "content": "I have eggs, spinach and feta. Dinner idea?"},
            {
                "role": "assistant",
                "content": "How about a spinach and feta frittata? Wilt the spinach, whisk six eggs with the feta, pour over and bake 15 minutes at 180 °C.",
            },
            {"role": "user", "content": "No oven, only a hob."},
            {"role": "assistant", "content": "Bake it for 15 minutes at 180 °C."},
        ],
    },
    {
        "id": "conv-3",
        "assistant_brief": "Bank chatbot",
        "conversation": [
            {"role": "user", "content": "what's my balance"},
            {
                "role": "assistant",
                "content": "I can't see account details in this chat. Please log in to the app and open Accounts, or call the number on the back of your card.",
            },
        ],
    },
]

# News sentences for entity spans: each with its entities (text, label) in order; the seed
# finds their character offsets, so the gold spans cannot drift from the text.
NEWS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Angela Merkel visited the Renault plant in Flins on Tuesday.",
        [("Angela Merkel", "PER"), ("Renault", "ORG"), ("Flins", "LOC")],
    ),
    (
        "Kenya Airways will add a third daily flight between Nairobi and Mombasa in March.",
        [("Kenya Airways", "ORG"), ("Nairobi", "LOC"), ("Mombasa", "LOC")],
    ),
    (
        "After the final in Lagos, Chiamaka Nnadozie thanked the Super Falcons' fans.",
        [("Lagos", "LOC"), ("Chiamaka Nnadozie", "PER"), ("Super Falcons", "ORG")],
    ),
    (
        "The World Health Organization opened an office in São Paulo, led by Dr Ana Ribeiro.",
        [("World Health Organization", "ORG"), ("São Paulo", "LOC"), ("Ana Ribeiro", "PER")],
    ),
    (
        "Toyota recalled 40,000 Corolla cars sold in Japan and Thailand last year.",
        [("Toyota", "ORG"), ("Corolla", "MISC"), ("Japan", "LOC"), ("Thailand", "LOC")],
    ),
    (
        "Prime Minister Mia Mottley spoke at the United Nations in New York about climate debt.",
        [("Mia Mottley", "PER"), ("United Nations", "ORG"), ("New York", "LOC")],
    ),
]

# Answers to rank, best first in `best` (0-based indices), for the ranking project's gold.
RANKINGS: list[dict[str, Any]] = [
    {
        "prompt": "How do I keep cut basil fresh?",
        "responses": [
            "Put it in the fridge.",
            "Trim the stems and stand them in a glass of water on the counter, away from sun.",
            "Basil is a herb in the mint family.",
        ],
        "best": [1, 0, 2],
    },
    {
        "prompt": "Explain what a VPN does in one sentence.",
        "responses": [
            "It encrypts your traffic and sends it through another server, hiding it from your network.",
            "A VPN makes your internet faster.",
            "It's a network thing for privacy.",
        ],
        "best": [0, 2, 1],
    },
    {
        "prompt": "Suggest a name for a grey cat.",
        "responses": ["Dog", "Smokey", "Miso - short, cute, and easy to call"],
        "best": [2, 1, 0],
    },
    {
        "prompt": "What is 15% of 80?",
        "responses": ["12", "15% of 80 is 12 (0.15 x 80).", "8"],
        "best": [1, 0, 2],
    },
]

# A German support project: the demo's contributors do not speak German, so /work explains it.
GERMAN_CONVERSATIONS: list[dict[str, Any]] = [
    {
        "id": "de-conv-1",
        "assistant_brief": "Kundendienst einer Bahn",
        "conversation": [
            {"role": "user", "content": "Mein Zug nach Köln ist ausgefallen. Was nun?"},
            {
                "role": "assistant",
                "content": "Das tut mir leid. Sie können den nächsten Zug nehmen; Ihr Ticket gilt weiter.",
            },
        ],
    },
    {
        "id": "de-conv-2",
        "assistant_brief": "Kochassistent",
        "conversation": [
            {"role": "user", "content": "Wie lange kocht ein weiches Ei?"},
            {"role": "assistant", "content": "Etwa fünf bis sechs Minuten ab dem Kochen."},
        ],
    },
]
