"""Audio templates: transcription, speech segments, speakers, sound classes, emotion."""

from __future__ import annotations

from labelpool.controls.fields import FieldKind
from labelpool.projects.templates._dsl import (
    choice,
    data,
    guidelines,
    labels,
    options,
    rating,
    regions,
    scale,
    text,
    when,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

AUDIO_TRANSCRIPTION = ProjectTemplate(
    key="audio-transcription",
    title="Audio transcription",
    family=TaskFamily.AUDIO,
    description=(
        "Transcribe short speech recordings word for word (verbatim, with tags for "
        "unclear words and noises), after rating whether the audio is usable."
    ),
    instructions=(
        "Listen to the whole recording, say whether the speech is clear, then type exactly "
        "what is said. Mark words you cannot make out as [unclear]; do not guess."
    ),
    data_fields=(
        data("audio", FieldKind.AUDIO, "A speech recording (up to 30 s).", "audio/utt-01.wav"),
        data(
            "language",
            FieldKind.TEXT,
            "Expected language of the speech.",
            "English",
            required=False,
        ),
    ),
    controls=(
        choice(
            "audio_quality",
            "How is the speech in this recording?",
            options(
                ("clear", "Clear", "Every word can be understood"),
                ("noisy", "Noisy but understandable", "Some words need replaying"),
                ("unintelligible", "Unintelligible", "Most words cannot be made out"),
                ("no_speech", "No speech", "Silence, music or noise only"),
                ("wrong_language", "Other language", "Not the expected language"),
            ),
            target="audio",
            section="2",
        ),
        text(
            "transcript",
            "Transcript",
            target="audio",
            multiline=True,
            min_length=1,
            max_length=5000,
            placeholder="Type exactly what is said ...",
            show_if=when("audio_quality", "clear", "noisy"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Transcription guidelines

        ## 1. Task
        Write down exactly what is said, in the language spoken. Listen to the whole
        recording first; replay as often as you need.

        ## 2. Audio quality
        Only *Clear* and *Noisy but understandable* recordings are transcribed. Choose
        *Unintelligible* if you would need [unclear] for more than half of the words.
        - Example: a caller on a bad line where you catch one word in three → *Unintelligible*.

        ## 3. Transcript
        ### 3.1 Verbatim
        Keep false starts, repetitions and fillers (um, uh, like). Do not correct grammar.
        - Example: audio "I I wanna, um, book a table" → `I I wanna, um, book a table`
          (not "I want to book a table").

        ### 3.2 Spelling, numbers and punctuation
        Use standard spelling and normal sentence punctuation. Write numbers as words
        unless they are codes or years: "twenty five", "1998", "flight BA 213".

        ### 3.3 Tags
        - `[unclear]` for a word you cannot make out; never guess.
        - `[noise]` for a loud non-speech sound that covers speech.
        - `[laughter]` and `[cough]` where they occur.
        - Example: "the code is [unclear] four seven" → correct when the first digit is masked.

        ### 3.4 Several speakers
        Start a new line for each change of speaker; do not add names.
        """
    ),
    sample_items=(
        {"audio": "audio/booking-call-01.wav", "language": "English"},
        {"audio": "audio/voice-note-02.mp3", "language": "English"},
        {"audio": "https://example.org/media/street-interview.ogg"},
    ),
    sample_answer={
        "audio_quality": "clear",
        "transcript": "I I wanna, um, book a table for two at seven",
    },
)

SPEECH_SEGMENTS = ProjectTemplate(
    key="speech-segments",
    title="Speech segments",
    family=TaskFamily.AUDIO,
    description=(
        "Split a recording into speech, music, noise and silence segments, with an optional "
        "short transcript for speech (voice activity and audio event annotation)."
    ),
    instructions=(
        "Play the recording and cover it with regions: speech, music, noise or silence. "
        "Regions should follow each other without gaps; add the words for speech when asked."
    ),
    data_fields=(
        data("audio", FieldKind.AUDIO, "The recording to segment.", "audio/podcast-01.mp3"),
    ),
    controls=(
        regions(
            "segments",
            "Mark speech, music, noise and silence",
            labels(
                ("speech", "Speech", "#4363d8"),
                ("music", "Music", "#f58231"),
                ("noise", "Noise", "#a9a9a9"),
                ("silence", "Silence", "#e6e6e6"),
            ),
            target="audio",
            allow_text=True,
            section="2",
        ),
    ),
    guidelines=guidelines(
        """
        # Speech segment guidelines

        ## 1. Task
        Divide the whole recording into regions labelled *Speech*, *Music*, *Noise* or
        *Silence*. Together the regions should cover the recording from start to end.

        ## 2. Segments
        ### 2.1 Speech
        Any human talking or singing with words. A speech region ends at a pause longer
        than 0.5 s; shorter pauses stay inside it.
        - Example: "Welcome back... (0.3 s) ...to the show" → one *Speech* region.

        ### 2.2 Music
        Instrumental music or jingles. Speech over background music is *Speech* (speech
        wins); mark *Music* only where nobody talks.

        ### 2.3 Noise and silence
        *Noise*: traffic, applause, typing, wind, anything loud that is neither speech nor
        music. *Silence*: no sound above the background hiss, at least 0.5 s long.
        - Example: a door slam between two sentences → *Noise* for the slam only.

        ### 2.4 Boundaries
        Place boundaries within 0.1 s of where the sound starts and stops; zoom in on the
        waveform to check.

        ## 3. Text for speech regions
        Optional: type the words of a speech region if they are clear. Leave it empty for
        other labels.
        - Example: a *Speech* region 3.5-9.2 s → text "Welcome back to the show".
        """
    ),
    sample_items=(
        {"audio": "audio/podcast-intro.mp3"},
        {"audio": "audio/radio-segment.wav"},
        {"audio": "https://example.org/media/lecture-clip.ogg"},
    ),
    sample_answer={
        "segments": [
            {"start": 0.0, "end": 3.5, "label": "music"},
            {"start": 3.5, "end": 9.2, "label": "speech", "text": "Welcome back to the show"},
            {"start": 9.2, "end": 10.0, "label": "silence"},
        ]
    },
)

SPEAKER_IDENTIFICATION = ProjectTemplate(
    key="speaker-identification",
    title="Speaker identification",
    family=TaskFamily.AUDIO,
    description=(
        "Diarization: mark who speaks when in a conversation recording (speaker 1, 2, ...), "
        "including overlapping speech, and count the speakers."
    ),
    instructions=(
        "Listen to the recording, count the distinct speakers, then mark each stretch of "
        "speech with its speaker. Speaker 1 is whoever speaks first."
    ),
    data_fields=(
        data("audio", FieldKind.AUDIO, "A conversation recording.", "audio/meeting-01.wav"),
    ),
    controls=(
        choice(
            "speaker_count",
            "How many different people speak?",
            options(("1", "One"), ("2", "Two"), ("3", "Three"), ("4_plus", "Four or more")),
            target="audio",
            section="2",
        ),
        regions(
            "turns",
            "Mark each speaker's turns",
            labels(
                ("speaker_1", "Speaker 1", "#e6194b"),
                ("speaker_2", "Speaker 2", "#4363d8"),
                ("speaker_3", "Speaker 3", "#3cb44b"),
                ("speaker_4", "Speaker 4", "#f58231"),
                ("overlap", "Several at once", "#a9a9a9"),
            ),
            target="audio",
            allow_text=False,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Speaker identification guidelines

        ## 1. Task
        Find out who speaks when. You do not need to know names: speakers are numbered in
        the order they first speak.

        ## 2. Counting speakers
        Count every person whose voice is heard saying at least one word, including brief
        interjections ("yeah", "mm-hm"). Recorded voices (a TV in the background) do not
        count.
        - Example: an interview with a host, a guest and a caller → *Three*.

        ## 3. Turns
        ### 3.1 Numbering
        *Speaker 1* is the first voice heard, *Speaker 2* the second new voice, and so on.
        Keep the same number for a person all through the recording. Voices beyond four use
        *Speaker 4* and a comment to the reviewer.

        ### 3.2 Turn boundaries
        A turn runs from the first to the last word of one speaker before someone else
        speaks or a pause of more than 1 s. Short backchannels ("right") are turns too.
        - Example: A speaks 0-4.2 s, B says "right" at 3.9-4.3 s, A continues → A 0-3.9,
          *Several at once* 3.9-4.2, B 4.2-4.3, A again from 4.3 s.

        ### 3.3 Overlap
        When two or more people talk at the same time for more than 0.3 s, mark that part
        as *Several at once* instead of either speaker.
        """
    ),
    sample_items=(
        {"audio": "audio/meeting-01.wav"},
        {"audio": "audio/phone-call-07.wav"},
        {"audio": "https://example.org/media/panel-discussion.mp3"},
    ),
    sample_answer={
        "speaker_count": "2",
        "turns": [
            {"start": 0.0, "end": 3.9, "label": "speaker_1"},
            {"start": 3.9, "end": 4.2, "label": "overlap"},
            {"start": 4.2, "end": 4.3, "label": "speaker_2"},
            {"start": 4.3, "end": 8.0, "label": "speaker_1"},
        ],
    },
)

SOUND_CLASSIFICATION = ProjectTemplate(
    key="sound-classification",
    title="Sound classification",
    family=TaskFamily.AUDIO,
    description=(
        "Classify the main sound source in short urban recordings (sirens, dog barks, "
        "drilling, engines ...) and note any background sources."
    ),
    instructions=(
        "Listen to the clip with headphones. Choose the loudest or most prominent sound "
        "source, then tick any other listed sources you can also clearly hear."
    ),
    data_fields=(data("audio", FieldKind.AUDIO, "A clip of up to 10 s.", "audio/urban-0142.wav"),),
    controls=(
        choice(
            "main_sound",
            "What is the main sound?",
            options(
                ("air_conditioner", "Air conditioner or fan"),
                ("car_horn", "Car horn"),
                ("children_playing", "Children playing"),
                ("dog_bark", "Dog barking"),
                ("drilling", "Drilling"),
                ("engine_idling", "Engine idling"),
                ("jackhammer", "Jackhammer"),
                ("siren", "Siren"),
                ("street_music", "Street music"),
                ("speech", "Adult speech"),
                ("other", "Something else"),
            ),
            target="audio",
            section="2",
        ),
        choice(
            "background",
            "Which other sources can you clearly hear? (optional)",
            options(
                ("traffic", "Traffic"),
                ("speech", "Adult speech"),
                ("music", "Music"),
                ("birds", "Birds"),
                ("wind_rain", "Wind or rain"),
                ("construction", "Construction"),
            ),
            target="audio",
            multiple=True,
            required=False,
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Sound classification guidelines

        ## 1. Task
        Name the one sound source that dominates the clip, then list background sources.
        Use headphones at a comfortable volume.

        ## 2. Main sound
        ### 2.1 Which source is "main"
        The main sound is the loudest, or if several are similarly loud, the one that lasts
        longest. Short events count when they stand out clearly.
        - Example: a siren passing over constant traffic hum → *Siren*.

        ### 2.2 Similar sources
        - *Drilling* is a high-pitched continuous whine; *Jackhammer* is a rapid loud
          hammering, usually on a street.
        - *Engine idling* is a steady low rumble of a stationary vehicle; moving traffic is a
          background *Traffic* sound.
        - Example: steady low rumble with a vehicle door slam → *Engine idling*.

        ### 2.3 Something else
        Choose *Something else* when the main source is not listed (e.g. a doorbell).

        ## 3. Background sources
        Tick sources you can identify without effort. Do not tick the main sound again.
        - Example: children playing in a park with birdsong → main *Children playing*,
          background *Birds*.
        """
    ),
    sample_items=(
        {"audio": "audio/urban-0142.wav"},
        {"audio": "audio/urban-0567.wav"},
        {"audio": "https://example.org/media/street-corner.wav"},
    ),
    sample_answer={"main_sound": "siren", "background": ["traffic"]},
)

SPEECH_EMOTION = ProjectTemplate(
    key="speech-emotion",
    title="Speech emotion",
    family=TaskFamily.AUDIO,
    description=(
        "Label the emotion expressed in the voice of a short utterance (neutral, happy, "
        "sad, angry, fearful, disgusted, surprised) and its intensity."
    ),
    instructions=(
        "Listen to how the words are said, not only what they mean. Choose the emotion you "
        "hear in the voice and, unless it is neutral, how strong it is."
    ),
    data_fields=(
        data("audio", FieldKind.AUDIO, "One spoken utterance.", "audio/emo-0001.wav"),
        data(
            "transcript",
            FieldKind.TEXT,
            "What is said, if known.",
            "Kids are talking by the door.",
            required=False,
        ),
    ),
    controls=(
        choice(
            "emotion",
            "Which emotion does the voice express?",
            options(
                ("neutral", "Neutral"),
                ("happy", "Happy"),
                ("sad", "Sad"),
                ("angry", "Angry"),
                ("fearful", "Fearful"),
                ("disgusted", "Disgusted"),
                ("surprised", "Surprised"),
            ),
            target="audio",
            section="2",
        ),
        rating(
            "intensity",
            "How strong is the emotion?",
            scale(
                (1, "Mild", "Noticeable only when listening for it"),
                (2, "Clear", "Obvious to any listener"),
                (3, "Strong", "Shouting, crying, laughing or trembling voice"),
            ),
            target="audio",
            show_if=when("emotion", "happy", "sad", "angry", "fearful", "disgusted", "surprised"),
            section="3",
        ),
    ),
    guidelines=guidelines(
        """
        # Speech emotion guidelines

        ## 1. Task
        Judge the emotion carried by the **voice**: pitch, loudness, speed and tone. The
        same sentence can be said happily or angrily; the words alone do not decide.

        ## 2. Emotion
        ### 2.1 Choosing one
        Choose the single emotion that is strongest. When you hesitate between an emotion
        and *Neutral*, choose the emotion only if you could explain what in the voice shows it.
        - Example: "Kids are talking by the door" said flatly → *Neutral*.
        - Example: the same words said with a raised, trembling voice → *Fearful*.

        ### 2.2 Often confused
        - *Surprised* is a sudden rise in pitch ("Oh! You're here"); *Happy* is warm and
          lively over the whole utterance.
        - *Angry* is loud or clipped; *Disgusted* is slow with a contemptuous tone ("ugh").
        - Sarcasm: label the emotion the speaker actually conveys, usually *Angry* or
          *Disgusted*, not *Happy*.

        ## 3. Intensity
        Rate how strong the emotion is: *Mild*, *Clear* or *Strong*. Neutral utterances
        have no intensity.
        - Example: a sob in the middle of a sentence → *Sad*, *Strong*.
        """
    ),
    sample_items=(
        {"audio": "audio/emo-0001.wav", "transcript": "Kids are talking by the door."},
        {"audio": "audio/emo-0002.wav", "transcript": "Dogs are sitting by the door."},
        {"audio": "https://example.org/media/emo-0003.wav"},
    ),
    sample_answer={"emotion": "happy", "intensity": 2},
)

TEMPLATES = (
    AUDIO_TRANSCRIPTION,
    SPEECH_SEGMENTS,
    SPEAKER_IDENTIFICATION,
    SOUND_CLASSIFICATION,
    SPEECH_EMOTION,
)
