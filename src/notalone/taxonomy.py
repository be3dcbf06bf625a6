"""The risk taxonomy and severity scale: the single source of truth every other part refers to.

The crosswalk maps each category to the conventions platforms already use (OpenAI moderation,
Llama Guard 3, NCMEC CyberTipline, Child Helpline International) so that an integration can
translate our verdicts without guessing (see LANDSCAPE.md §13.3).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

TAXONOMY_VERSION = "2026-11"


class Severity(str, enum.Enum):
    """Ordered: none < low < medium < high < critical. ``critical`` = possible immediate danger."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    # All four are needed: ``str`` already defines them, so ``total_ordering`` would not.
    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Severity) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Severity) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Severity) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Severity) else NotImplemented

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Accept a severity name in any case; raise ``ValueError`` naming the valid ones."""
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of: {names}") from None


_RANKS = {s: i for i, s in enumerate(Severity)}

# Score bands keep a category's 0-1 score consistent with its severity.
SCORE_BANDS: dict[Severity, tuple[float, float]] = {
    Severity.NONE: (0.0, 0.2),
    Severity.LOW: (0.2, 0.45),
    Severity.MEDIUM: (0.45, 0.7),
    Severity.HIGH: (0.7, 0.9),
    Severity.CRITICAL: (0.9, 1.0),
}

#: A message is "flagged" (OpenAI moderation shape) from this severity up.
FLAG_SEVERITY = Severity.MEDIUM


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label_vi: str
    label_en: str
    description: str
    openai: tuple[str, ...]
    llama_guard: tuple[str, ...]
    ncmec: tuple[str, ...]
    chi: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "grooming",
        "Dụ dỗ, làm quen với mục đích xấu",
        "Grooming",
        "Building trust with a child for sexual purposes: age/parents/alone questions, "
        "flattery, gifts or game currency, secrecy, moving to a private app, photo or "
        "meeting requests.",
        openai=("sexual/minors",),
        llama_guard=("S4",),
        ncmec=("Online Enticement of Children for Sexual Acts",),
        chi=("Violence > Online child sexual exploitation and abuse",),
    ),
    Category(
        "sexual_content",
        "Nội dung tình dục",
        "Sexual content",
        "Sexual talk with or about a minor, requests for intimate images, links to sexual content.",
        openai=("sexual", "sexual/minors"),
        llama_guard=("S4", "S12"),
        ncmec=("Child Pornography (csamSolicitation)",),
        chi=("Violence > Online child sexual exploitation and abuse",),
    ),
    Category(
        "sextortion",
        "Tống tiền bằng ảnh, clip nhạy cảm",
        "Sextortion",
        "Threats to publish intimate images or chats unless the victim pays or sends more.",
        openai=("harassment/threatening", "sexual/minors"),
        llama_guard=("S2", "S3", "S4"),
        ncmec=("annotation: sextortion",),
        chi=("Violence > Online child sexual exploitation and abuse",),
    ),
    Category(
        "online_kidnapping",
        "Bắt cóc online",
        "Online kidnapping",
        "Impersonating police/procuracy/court, accusing the victim of a crime, demanding "
        "secrecy, isolating them (hotel, phone off, cut family contact), then ransom.",
        openai=("illicit", "harassment/threatening"),
        llama_guard=("S2",),
        ncmec=(),
        chi=("Violence > Psychological violence", "Missing children"),
    ),
    Category(
        "scam",
        "Lừa đảo",
        "Scam",
        "Fraud aimed at young people: fake jobs, fake giveaways and game top-ups, OTP or "
        "password requests, loans, phishing links and look-alike domains.",
        openai=("illicit",),
        llama_guard=("S2",),
        ncmec=(),
        chi=("Access to services > Fraud",),
    ),
    Category(
        "cyberbullying",
        "Bắt nạt trực tuyến",
        "Cyberbullying",
        "Insults, harassment, hate, humiliation, exclusion, doxxing, impersonation.",
        openai=("harassment", "hate"),
        llama_guard=("S10",),
        ncmec=(),
        chi=("Violence > Bullying", "Discrimination and exclusion"),
    ),
    Category(
        "threat",
        "Đe dọa bạo lực",
        "Threat",
        "Threats of violence against the child or others.",
        openai=("harassment/threatening", "violence"),
        llama_guard=("S1",),
        ncmec=(),
        chi=("Violence > Physical violence", "Violence > Psychological violence"),
    ),
    Category(
        "self_harm",
        "Tự làm hại bản thân",
        "Self-harm",
        "Self-harm or suicidal ideation, and encouragement of it.",
        openai=("self-harm", "self-harm/intent", "self-harm/instructions"),
        llama_guard=("S11",),
        ncmec=(),
        chi=("Mental health > Self-harm", "Mental health > Suicidal thoughts"),
    ),
    Category(
        "personal_info",
        "Lộ thông tin cá nhân",
        "Personal information",
        "A child disclosing, or being asked for, address, school, phone, ID, location, photos.",
        openai=(),
        llama_guard=("S7",),
        ncmec=(),
        chi=("Violence > Online child sexual exploitation and abuse",),
    ),
    Category(
        "harmful_content",
        "Nội dung độc hại",
        "Harmful content",
        "Drugs, gambling, weapons, extreme violence offered to a child.",
        openai=("illicit", "violence/graphic"),
        llama_guard=("S1", "S9"),
        ncmec=(),
        chi=("Substance use", "Violence"),
    ),
)

CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)
BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}


def category(category_id: str) -> Category:
    try:
        return BY_ID[category_id]
    except KeyError:
        raise KeyError(
            f"unknown category {category_id!r}; expected one of: {', '.join(CATEGORY_IDS)}"
        ) from None
