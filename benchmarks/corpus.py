"""A deterministic, English-like journal corpus shared by every benchmark.

Entries are made of sentences built from a fixed vocabulary with a seeded `random.Random`, so
the same `(count, seed)` always gives the same journal, byte for byte. Word choice inside each
word list is Zipf-weighted, so a few words are everywhere and a long tail is rare, as in real
writing; a list of uncommon nouns supplies the "rare word" queries. About 120 words an entry,
0–3 tags, a mood most days, and a daily-ish cadence (mostly one entry a day, sometimes none,
sometimes two) ending on 2025-12-31: 3,650 entries span about 10 years, 36,500 about 100.

Run it to see a sample and the query words the benchmarks pick:
`python3 benchmarks/corpus.py --count 3650`.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

SEED = 2026
END = datetime(2025, 12, 31, 22, 0, tzinfo=timezone(timedelta(hours=1)))
ZONE = timezone(timedelta(hours=1))
WORDS_PER_ENTRY = 120

SUBJECTS = (
    "I", "we", "my sister", "Tom", "my mother", "Anna", "the kids", "my partner", "Sam",
    "my father", "the team", "Lena", "my neighbour", "grandma", "the doctor", "Maya", "Jonas",
    "my friend", "the therapist", "everyone", "nobody", "my brother", "the dog", "Priya",
)
VERBS = (
    "walked", "talked", "worked", "cooked", "slept", "read", "called", "wrote", "cleaned",
    "waited", "drove", "listened", "argued", "laughed", "cried", "rested", "ran", "planned",
    "painted", "studied", "shopped", "played", "visited", "swam", "meditated", "stretched",
    "gardened", "baked", "watched", "forgot", "remembered", "finished", "started", "missed",
    "noticed", "tried", "helped", "fixed", "sorted", "practised", "struggled", "celebrated",
    "worried", "hiked", "cycled", "danced", "sang", "journaled", "packed", "repaired",
)
ADJECTIVES = (
    "long", "quiet", "busy", "slow", "strange", "good", "hard", "warm", "cold", "small",
    "big", "new", "old", "bright", "grey", "heavy", "light", "calm", "noisy", "tired",
    "gentle", "sudden", "careful", "honest", "difficult", "simple", "familiar", "lovely",
    "awkward", "peaceful", "messy", "tense", "hopeful", "restless", "sunny", "rainy", "windy",
    "steady", "fragile", "generous",
)
NOUNS = (
    "day", "work", "walk", "meeting", "dinner", "book", "river", "park", "garden", "kitchen",
    "office", "train", "bus", "phone", "email", "project", "morning", "evening", "night",
    "weekend", "coffee", "tea", "lunch", "breakfast", "call", "letter", "film", "song",
    "class", "lesson", "run", "swim", "bike", "market", "shop", "doctor", "appointment",
    "deadline", "report", "plan", "idea", "dream", "headache", "cold", "storm", "sun", "rain",
    "snow", "beach", "forest", "hill", "lake", "city", "village", "house", "flat", "room",
    "bed", "desk", "window", "door", "friend", "neighbour", "colleague", "boss", "family",
    "party", "birthday", "holiday", "trip", "journey", "concert", "game", "match", "recipe",
    "soup", "bread", "cake", "medication", "session", "conversation", "argument", "apology",
    "promise", "habit", "routine", "budget", "bill", "rent", "interview", "exam", "essay",
    "presentation", "painting", "photo", "garden", "balcony", "station", "library", "museum",
)
RARE_NOUNS = (
    "harpsichord", "gazebo", "marmalade", "lighthouse", "origami", "saxophone", "telescope",
    "kayak", "porcupine", "accordion", "trampoline", "greenhouse", "lantern", "compass",
    "hedgehog", "pelican", "volcano", "typewriter", "canoe", "glacier", "windmill", "cathedral",
    "aquarium", "tapestry", "thimble", "quartz", "meringue", "hammock", "carousel", "ukulele",
    "zeppelin", "barometer", "chandelier", "marzipan", "observatory", "flamingo", "pagoda",
    "sundial", "waffle", "gondola", "harmonica", "igloo", "kaleidoscope", "labyrinth",
    "mosaic", "nightingale", "orchard", "parsnip", "quince", "rhubarb", "sextant", "tambourine",
    "umbrella", "vineyard", "walrus", "xylophone", "yodel", "zucchini", "abacus", "bagpipe",
    "cello", "dulcimer", "easel", "fjord", "gramophone", "hourglass", "inkwell", "jigsaw",
    "kettlebell", "lagoon", "monastery", "nutmeg", "obelisk", "pinecone", "quilt", "raft",
    "scarecrow", "treehouse", "unicycle", "velvet", "wheelbarrow", "yarn", "zither",
)
PLACES = (
    "at home", "at work", "in the park", "by the river", "in town", "at the station",
    "in the garden", "at the gym", "at the library", "on the train", "at the beach",
    "in the forest", "at my parents", "at the office", "in the kitchen", "on the balcony",
    "at the market", "in the hills", "at the clinic", "at the cafe", "downtown",
    "at the lake", "in bed", "outside",
)
TIMES = (
    "today", "this morning", "tonight", "after work", "before lunch", "all afternoon",
    "in the evening", "at dawn", "late at night", "yesterday", "for an hour", "again",
    "for a while", "around noon", "after dinner", "on the way home", "before bed",
    "during the break", "all day", "first thing",
)
FEELINGS = (
    "tired", "calm", "anxious", "happy", "sad", "grateful", "restless", "hopeful", "lonely",
    "proud", "angry", "relieved", "overwhelmed", "content", "nervous", "peaceful", "irritable",
    "excited", "low", "energised", "bored", "curious", "ashamed", "safe", "numb", "confident",
)
CONNECTORS = ("but", "and", "so", "because", "although", "while", "until", "after", "since")
OPENERS = (
    "Honestly,", "Somehow", "Later", "Then", "At first", "In the end", "Strangely,",
    "Luckily,", "Again", "Finally,", "Maybe", "Still,", "Afterwards", "Mostly",
)
TAGS = (
    "work", "family", "health", "sleep", "exercise", "friends", "anxiety", "gratitude",
    "walk", "reading", "therapy", "food", "travel", "money", "music", "garden", "weather",
    "kids", "partner", "study", "meditation", "creative", "home", "nature", "goals", "mood",
    "medication", "weekend", "holiday", "learning",
)
PREFIXES = ("walk*", "sle*", "fri*", "rem*", "happ*", "gar*")


def _zipf(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


@dataclass(frozen=True)
class CorpusEntry:
    title: str
    body: str
    tags: tuple[str, ...]
    mood: int | None
    starred: bool
    at: datetime

    @property
    def words(self) -> int:
        return len(self.title.split()) + len(self.body.split())


class _Writer:
    """Builds sentences; each word list is sampled with Zipf weights."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cumulative = {
            id(words): list(itertools.accumulate(_zipf(len(words), exponent)))
            for words, exponent in (
                (SUBJECTS, 1.0), (VERBS, 0.7), (ADJECTIVES, 0.8), (NOUNS, 0.8),
                (RARE_NOUNS, 1.1), (PLACES, 0.9), (TIMES, 0.9), (FEELINGS, 0.9),
                (CONNECTORS, 1.0), (OPENERS, 0.8), (TAGS, 0.9),
            )
        }

    def pick(self, words: Sequence[str]) -> str:
        cumulative = self._cumulative[id(words)]
        return words[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def noun_phrase(self) -> str:
        noun = self.pick(RARE_NOUNS) if self.rng.random() < 0.006 else self.pick(NOUNS)
        if self.rng.random() < 0.45:
            return f"the {self.pick(ADJECTIVES)} {noun}"
        return f"the {noun}"

    def clause(self) -> str:
        parts = [self.pick(SUBJECTS), self.pick(VERBS)]
        roll = self.rng.random()
        if roll < 0.55:
            parts.append(f"{self.rng.choice(('about', 'with', 'after', 'over', 'near'))}"
                         f" {self.noun_phrase()}")
        elif roll < 0.8:
            parts.append(self.pick(PLACES))
        if self.rng.random() < 0.5:
            parts.append(self.pick(TIMES))
        return " ".join(parts)

    def sentence(self) -> str:
        roll = self.rng.random()
        if roll < 0.22:
            text = (f"I felt {self.pick(FEELINGS)} {self.pick(CONNECTORS)} "
                    f"{self.pick(FEELINGS)} {self.pick(TIMES)}")
        elif roll < 0.32:
            text = f"{self.pick(OPENERS)} {self.clause()}"
        else:
            text = self.clause()
            if self.rng.random() < 0.4:
                text += f" {self.pick(CONNECTORS)} {self.clause()}"
        return text[0].upper() + text[1:] + self.rng.choice((".", ".", ".", ".", "!", "?"))

    def title(self) -> str:
        text = (f"{self.pick(ADJECTIVES)} {self.noun_phrase().removeprefix('the ')}"
                if self.rng.random() < 0.6 else self.clause())
        return text[0].upper() + text[1:]

    def body(self, target_words: int) -> str:
        sentences: list[str] = []
        words = 0
        while words < target_words:
            sentence = self.sentence()
            sentences.append(sentence)
            words += len(sentence.split())
        # Paragraphs of three to five sentences, as people write them.
        paragraphs: list[str] = []
        while sentences:
            size = self.rng.randint(3, 5)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        return "\n\n".join(paragraphs)


def generate(count: int, seed: int = SEED) -> list[CorpusEntry]:
    """`count` entries, oldest first, the newest on or just before `END`."""
    rng = random.Random(f"{seed}:{count}")
    writer = _Writer(rng)
    # Daily-ish: a step of 0, 1 or 2 days between entries (mean 1), walked back from the end.
    steps = rng.choices((0, 1, 2), weights=(1, 8, 1), k=count)
    days_back: list[int] = []
    total = 0
    for step in steps:
        days_back.append(total)
        total += step
    entries: list[CorpusEntry] = []
    for back in reversed(days_back):
        day = (END - timedelta(days=back)).date()
        at = datetime(day.year, day.month, day.day, rng.randint(6, 23), rng.randint(0, 59),
                      rng.randint(0, 59), tzinfo=ZONE)
        tags = tuple(dict.fromkeys(writer.pick(TAGS)
                                   for _ in range(rng.choices((0, 1, 2, 3),
                                                              weights=(2, 4, 3, 1))[0])))
        title = writer.title()
        body = writer.body(max(40, int(rng.gauss(WORDS_PER_ENTRY, 15))) - len(title.split()))
        mood = rng.randint(1, 5) if rng.random() < 0.8 else None
        entries.append(CorpusEntry(title, body, tags, mood, rng.random() < 0.05, at))
    entries.sort(key=lambda e: e.at)
    return entries


_TOKEN = re.compile(r"[a-z]+")


def document_frequency(entries: Sequence[CorpusEntry]) -> Counter[str]:
    """In how many entries each lower-case word appears (title, body or tag)."""
    df: Counter[str] = Counter()
    for entry in entries:
        text = f"{entry.title} {entry.body} {' '.join(entry.tags)}".lower()
        df.update(set(_TOKEN.findall(text)))
    return df


@dataclass(frozen=True)
class QuerySet:
    """The search queries, by kind, each kind a list cycled over the repetitions."""

    rare: tuple[str, ...]
    common: tuple[str, ...]
    two_words: tuple[str, ...]
    prefix: tuple[str, ...]
    everywhere: tuple[str, ...]

    def kinds(self) -> dict[str, tuple[str, ...]]:
        return {
            "rare word": self.rare,
            "common word": self.common,
            "two words": self.two_words,
            "prefix": self.prefix,
            "word in every entry": self.everywhere,
        }


def pick_queries(entries: Sequence[CorpusEntry]) -> QuerySet:
    """Query words chosen from the corpus itself, by how many entries they appear in.

    rare: uncommon nouns in 0.02–0.15 % of entries; common: content words in about a third
    of the entries (like "work" in a real journal); two words: pairs of words that are each
    in 2–15 % of entries; prefix: fixed stems that expand to several words; everywhere: a
    function word in every entry (FTS5 has no stop words), the worst case, for information.
    """
    df = document_frequency(entries)
    n = len(entries)
    rare = [w for w in RARE_NOUNS if 0.0002 * n <= df[w] <= 0.0015 * n][:12]
    if not rare:  # very small corpora (--quick): the least frequent rare nouns present
        rare = sorted((w for w in RARE_NOUNS if df[w]), key=lambda w: df[w])[:12]
    content = [w for w in (*NOUNS, *VERBS, *FEELINGS, *ADJECTIVES) if w not in {"cold"}]
    common = sorted(set(content), key=lambda w: abs(df[w] - n / 3))[:4]
    middle = sorted({w for w in content if 0.02 * n <= df[w] <= 0.15 * n})
    rng = random.Random(SEED)
    pairs = [f"{a} {b}" for a, b in (rng.sample(middle, 2) for _ in range(12))]
    return QuerySet(tuple(rare), tuple(common), tuple(pairs), PREFIXES, ("the",))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3650)
    parser.add_argument("--show", type=int, default=2, help="print this many entries")
    args = parser.parse_args()
    entries = generate(args.count)
    words = [e.words for e in entries]
    print(f"{len(entries)} entries, {entries[0].at:%Y-%m-%d} … {entries[-1].at:%Y-%m-%d}, "
          f"{sum(words) / len(words):.0f} words each on average")
    for entry in entries[len(entries) - args.show:]:
        print(f"\n[{entry.at:%Y-%m-%d %H:%M}] {entry.title}  tags={entry.tags} "
              f"mood={entry.mood}\n{entry.body}")
    df = document_frequency(entries)
    print()
    for kind, queries in pick_queries(entries).kinds().items():
        shown = ", ".join(f"{q} ({df[q]})" if q in df else q for q in queries)
        print(f"{kind}: {shown}")


if __name__ == "__main__":
    main()
