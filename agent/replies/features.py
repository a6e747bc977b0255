"""A reply as numbers for the learned reader: the lexicon's cues, hashed word and character n-grams, and
a few facts of shape (length, a quoted thread, question marks, capitals, a machine sender).

The n-grams are hashed (no vocabulary to ship; unseen words still land somewhere), accents are folded,
and the sender's own words, the subject and the quoted rest are kept apart, so "unsubscribe" in our
quoted footer does not count as the lead's word.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
import zlib

from agent.replies.lexicon import Lexicon
from agent.replies.message import ReplyParts

NGRAM_BITS = 14
NGRAM_DIM = 1 << NGRAM_BITS
WORD = re.compile(r"[^\W_]+|[!?]", re.UNICODE)
MACHINE_SENDER = re.compile(
    r"mailer-daemon|postmaster|no-?reply|do-?not-?reply|notifications?@|support@|helpdesk"
)
# A negation's reach: the words after one, up to the end of the clause, a contrast ("but", "pero",
# "solo") or NEGATION_REACH words, are also counted as negated words ("n:"), so that "not the wrong
# person", "no me deis de baja" and "can't stop losing customers" do not read as the plain words do.
NEGATORS = frozenset(  # "don't" reads as "don" "t"; accents are folded ("nao", "jamas")
    "not no never nor cannot dont doesnt didnt wont cant isnt arent wasnt wouldnt couldnt shouldnt t "  # noqa: SIM905
    "nunca jamas ni tampoco pas jamais nicht kein keine nie nao nem non mai".split()
)
CONTRASTS = frozenset("but just only though although pero solo sino aunque mais aber ma mas".split())  # noqa: SIM905
CLAUSE = re.compile(r"[^\W_]+|[.,;:!?¿¡\n]", re.UNICODE)
NEGATION_REACH = 6
LANGUAGES = ("en", "es")  # the others share one feature
QUOTED_CHARS = 1500  # of the quoted thread: enough to see whose footer it is
SPEC = f"features-v3:ngrams{NGRAM_BITS}+negscope{NEGATION_REACH}:cues+negated+quoted+subject:shape8:lang3"

Sparse = dict[int, float]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def slot(token: str) -> tuple[int, float]:
    """Where a token's count goes among the hashed n-grams, and its sign (collisions cancel out on
    average instead of adding up)."""
    digest = zlib.crc32(token.encode())  # stable across processes, unlike hash()
    return digest % NGRAM_DIM, 1.0 if digest & 0x80000000 else -1.0


def negated_words(folded: str) -> list[str]:
    """The words within a negation's reach in accent-folded text (see ``NEGATORS``)."""
    found: list[str] = []
    reach = 0
    for token in CLAUSE.findall(folded):
        if not token[0].isalnum() or token in CONTRASTS:
            reach = 0
        elif token in NEGATORS:
            reach = NEGATION_REACH
        elif reach:
            found.append(token)
            reach -= 1
    return found


def _ngrams(own: str, subject: str) -> Sparse:
    folded = fold(own)
    words = WORD.findall(folded)
    tokens = [f"w:{w}" for w in words] + [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
    tokens += [f"n:{w}" for w in negated_words(folded)]
    padded = f" {' '.join(words)} "
    tokens += [f"c:{padded[i : i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
    subject_words = WORD.findall(fold(subject))
    tokens += [f"s:{w}" for w in subject_words]
    tokens += [f"sb:{a}_{b}" for a, b in itertools.pairwise(subject_words)]
    counts: Sparse = {}
    for token in tokens:
        index, sign = slot(token)
        counts[index] = counts.get(index, 0.0) + sign
    scaled = {k: math.copysign(math.log1p(abs(v)), v) for k, v in counts.items() if v}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    return {k: v / norm for k, v in scaled.items()}


def dimension(lexicon: Lexicon) -> int:
    return NGRAM_DIM + 4 * len(lexicon.names) + 8 + len(LANGUAGES) + 1


def vectorise(parts: ReplyParts, lexicon: Lexicon, language: str | None) -> Sparse:
    """The reply's features as ``{index: value}`` (most of the dimension is zero)."""
    features = _ngrams(parts.own, parts.subject)
    own, own_denied = lexicon.count(parts.own)
    quoted, _ = lexicon.count(parts.quoted[:QUOTED_CHARS])
    subject, _ = lexicon.count(parts.subject)
    base = NGRAM_DIM
    for name in lexicon.names:
        values = (
            math.log1p(own[name]),
            math.log1p(own_denied[name]),
            math.log1p(quoted[name]) * 0.5,
            1.0 if subject[name] else 0.0,
        )
        for offset, value in enumerate(values):
            if value:
                features[base + offset] = value
        base += 4
    letters = [c for c in parts.own if c.isalpha()]
    shape = (
        math.log1p(len(parts.own.split())) / 5,
        1.0 if parts.channel is not None and parts.channel.value == "sms" else 0.0,
        1.0 if parts.quoted else 0.0,
        1.0 if "?" in parts.own else 0.0,
        sum(c.isupper() for c in letters) / len(letters) if letters else 0.0,
        1.0 if parts.injected else 0.0,
        1.0 if MACHINE_SENDER.search(parts.sender) else 0.0,
        1.0 if fold(parts.subject).startswith(("re:", "aw:", "rv:", "re :")) else 0.0,
    )
    for offset, value in enumerate(shape):
        if value:
            features[base + offset] = value
    base += len(shape)
    slot = LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
    features[base + slot] = 1.0
    return features
