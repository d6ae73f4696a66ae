"""Follow-up questions ("And Korea?", 「では韓国は？」) resolved against the conversation.

A follow-up that asks the previous question about another country, or about another name of
the same family ("Horizon Europe" then "What about Horizon 2020?"), is rewritten into that
question ("What budget did France announce?" + "And Germany?" -> "What budget did Germany
announce?"), which both retrieval and the model then read: the small model answered a bare
「韓国は？」 with a list of Korea's policies. Any other follow-up is retrieved together with the
previous question, and the model reads the previous exchange beside it.
"""

from __future__ import annotations

import re
import unicodedata

from ..language import detect_language
from ..places import place_mentions

_EN_FOLLOWUP = re.compile(r"^(and|what about|how about|and what|also|then|same for|what of)\b", re.I)
_JA_FOLLOWUP = re.compile(r"^(では|じゃあ|それでは|それ|その|それら|一方|また|なら|同様に)")
_PRONOUNS = re.compile(r"\b(it|its|they|their|them|this|that|those|these)\b|それ|その|これ|この|同国|同計画", re.I)
# A question that is only a topic: 「韓国は？」, 「ドイツについては？」, "Korea?".
# (A topic with の is a question of its own: 「ドイツの水素戦略は？」.)
_JA_BARE_TOPIC = re.compile(  # a space only between Latin letters or digits: 「Horizon 2020は？」
    r"^(?:[^、。？?\sの]|(?<=[A-Za-z0-9]) (?=[A-Za-z0-9])){1,16}?(?:は|では|の場合は|についてはどう|については|って|も)\s*[？?]?$")
_EN_BARE_TOPIC = re.compile(
    r"^(?!(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|will|would|"
    r"should|has|have|had|list|name|give|tell|explain|describe|summari[sz]e)\b)(?:for\s+)?[A-Z][\w.\- ]{0,25}\?$", re.I)
SHORT = {"en": 40, "ja": 20}
_TAKES_THE = {"US", "U.S.", "USA", "UK", "U.K.", "EU", "United States", "United Kingdom", "European Union",
              "Netherlands"}


def is_followup(question: str, language: str) -> bool:
    q = question.strip()
    if (_EN_FOLLOWUP.match(q) if language == "en" else _JA_FOLLOWUP.match(q)):
        return True
    if (_EN_BARE_TOPIC if language == "en" else _JA_BARE_TOPIC).match(q):
        return True
    return len(q) <= SHORT.get(language, 30) and bool(_PRONOUNS.search(q))


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def ask_about_other_place(question: str, previous: str) -> str | None:
    """The previous question asked about the one place the follow-up names instead of the one it
    named, or None when the follow-up does not swap one place for another."""
    normal = _normal(previous)
    # Offsets found in the normalised text hold in the original when normalising kept the length
    # (full-width ？ becomes ?): the rewritten question then keeps the user's characters.
    text = previous.strip() if len(previous.strip()) == len(normal) else normal
    asked = _normal(question)
    new, old = place_mentions(asked), place_mentions(normal)
    if len({p for p, _, _ in new}) != 1 or len({p for p, _, _ in old}) != 1 or new[0][0] == old[0][0]:
        return None
    surface = asked[new[0][1]:new[0][2]]
    if asked[max(0, new[0][1] - 4):new[0][1]].lower() == "the ":
        surface = "the " + surface
    for _, start, end in reversed(old):  # from the end, so that earlier offsets stay valid
        if text[max(0, start - 4):start] == "the " and surface not in _TAKES_THE:
            start -= 4  # "the US" -> "Korea", not "the Korea"
        text = text[:start] + surface + text[end:]
    return text


# The topic of a follow-up, "What about Horizon 2020?" or 「Horizon 2020は？」: what stands after the
# opener and before the particle or question mark. Only a topic that is a name is swapped ("And
# the K-Semiconductor strategy?" is not: its last word is no name's).
_EN_TOPIC = re.compile(r"^(?:and|what about|how about|and what about|same for|what of)?\s*(?:the\s+)?(.+?)\s*[?？]?$", re.I)
_JA_TOPIC = re.compile(r"^(?:では|じゃあ|それでは|一方|また)?\s*(.+?)(?:は|では|の場合は|については|も)\s*[？?]?$")
# A name: Latin words that start with a capital or hold a digit ("Horizon 2020", "K-Battery").
_NAME = re.compile(r"[A-Z][A-Za-z0-9\-]*(?:\s+(?:[A-Z][A-Za-z0-9\-]*|\d[A-Za-z0-9\-]*))*")


def _first_word(name: str) -> str:
    return re.split(r"[\s\-]", name, maxsplit=1)[0].lower()


def ask_about_other_name(question: str, language: str, previous: str) -> str | None:
    """The previous question asked about the name the follow-up gives instead of the name of the
    same family it asked about: "What is the total budget of Horizon Europe?" + "What about
    Horizon 2020?" -> "What is the total budget of Horizon 2020?". The family is the first word
    both names share; without one, the follow-up is not rewritten (the model had answered
    "What about Horizon 2020?" with its Horizon Europe answer, word for word). The question is
    returned NFKC-normalised (「？」 as "?"), unlike the place swap, which keeps the user's characters."""
    topic = (_EN_TOPIC if language == "en" else _JA_TOPIC).match(_normal(question))
    if not topic or not _NAME.fullmatch(topic.group(1)):
        return None
    new = topic.group(1)
    text = _normal(previous)
    old = [m for m in _NAME.finditer(text) if _first_word(m.group(0)) == _first_word(new) and m.group(0) != new]
    if len(old) != 1:
        return None
    return text[:old[0].start()] + new + text[old[0].end():]


def resolve_followup(question: str, language: str, history: list[tuple[str, str]] | None) -> tuple[str, str]:
    """(text to retrieve with, question for the model): the question itself, the previous one
    asked about the follow-up's place, or for other follow-ups the previous question prefixed
    for retrieval only."""
    if not history or not is_followup(question, language):
        return question, question
    # In "And Korea?" after "And Germany?", the question both follow is the one before them.
    previous = next((q for q, _ in reversed(history) if not is_followup(q, language)), history[-1][0])
    # A Japanese follow-up to an English question is not rewritten into English.
    swapped = ask_about_other_place(question, previous) if detect_language(previous) == language else None
    if swapped:
        return swapped, swapped
    renamed = ask_about_other_name(question, language, previous) if detect_language(previous) == language else None
    if renamed:
        return renamed, renamed
    return f"{previous} {question}", question
