"""Ordinary messages that share a link or a phone number, for training data that has none.

The SMS sets the English scam model learns from hold links almost only in spam (106 of UCI's
108 messages with a link are spam), so a model trained on them alone calls any shared link a
scam: 695 of the 932 Davidson "neither" tweets that hold a link reached ``medium`` scam. A
child shares videos, games, homework and posts all day. ``with_links`` gives a seeded share of
the ordinary messages a link of the kind children really share (the everyday platforms, with
their real URL shapes); what still marks a scam is what comes with the link (a prize, a fee, a
login to "verify"), which the spam keeps.

Phone numbers are the same story (``with_numbers``): UCI's ham almost never holds one, so a
scam model reading number shapes called "text me at 0912345678 when you get home" a scam at
0.99. Children give each other their numbers; a premium-rate hook still marks the spam.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence

_ID = string.ascii_letters + string.digits
_NAMES = (
    "minh", "lan_anh", "jake", "emma.w", "tuan99", "sophie", "coolkid", "thehuynh", "noah_b",
    "gamerboy", "mai.linh", "official", "liam", "vy", "daniel", "kpopfan", "mathclub", "hana",
)  # fmt: skip
_WORDS = (
    "Minecraft", "Photosynthesis", "Ha_Long_Bay", "Football", "Solar_System", "Pho", "Dinosaur",
    "Harry_Potter", "World_War_II", "Vietnam", "Python_(programming_language)", "Volcano",
)  # fmt: skip
_TOPICS = ("world", "science", "sport", "technology", "education", "culture", "asia")


def _slug(rng: random.Random) -> str:
    words = rng.sample(_WORDS, 3)
    return "-".join(w.lower().replace("_", "-").replace("(", "").replace(")", "") for w in words)


def _id(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ID) for _ in range(n))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


# Each builds the part after the scheme, in the shape the platform really uses.
_SHAPES: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"www.youtube.com/watch?v={_id(r, 11)}",
    lambda r: f"youtu.be/{_id(r, 11)}",
    lambda r: f"youtube.com/shorts/{_id(r, 11)}",
    lambda r: f"www.tiktok.com/@{r.choice(_NAMES)}/video/{_digits(r, 19)}",
    lambda r: f"vm.tiktok.com/{_id(r, 9)}/",
    lambda r: f"www.instagram.com/p/{_id(r, 11)}/",
    lambda r: f"www.instagram.com/reel/{_id(r, 11)}/",
    lambda r: f"www.facebook.com/{r.choice(_NAMES)}/posts/{_digits(r, 15)}",
    lambda r: f"fb.watch/{_id(r, 10)}/",
    lambda r: f"twitter.com/{r.choice(_NAMES)}/status/{_digits(r, 19)}",
    lambda r: f"x.com/{r.choice(_NAMES)}/status/{_digits(r, 19)}",
    lambda r: f"t.co/{_id(r, 10)}",
    lambda r: f"docs.google.com/document/d/{_id(r, 44)}/edit",
    lambda r: f"drive.google.com/file/d/{_id(r, 33)}/view",
    lambda r: f"forms.gle/{_id(r, 17)}",
    lambda r: f"meet.google.com/{_id(r, 3).lower()}-{_id(r, 4).lower()}-{_id(r, 3).lower()}",
    lambda r: f"zoom.us/j/{_digits(r, 11)}",
    lambda r: f"discord.gg/{_id(r, 8)}",
    lambda r: f"www.reddit.com/r/{r.choice(_WORDS)}/comments/{_id(r, 6).lower()}/",
    lambda r: f"open.spotify.com/track/{_id(r, 22)}",
    lambda r: f"en.wikipedia.org/wiki/{r.choice(_WORDS)}",
    lambda r: f"github.com/{r.choice(_NAMES)}/{r.choice(_WORDS).lower()}",
    lambda r: f"www.roblox.com/games/{_digits(r, 10)}",
    lambda r: f"imgur.com/{_id(r, 7)}",
    lambda r: f"www.twitch.tv/{r.choice(_NAMES)}",
    lambda r: f"maps.app.goo.gl/{_id(r, 17)}",
    lambda r: f"www.bbc.co.uk/news/{r.choice(_TOPICS)}-{_digits(r, 8)}",
    lambda r: f"www.theguardian.com/{r.choice(_TOPICS)}/2026/{_digits(r, 2)}/{_slug(r)}",
    lambda r: f"vnexpress.net/{_slug(r)}-{_digits(r, 7)}.html",
    lambda r: f"classroom.google.com/c/{_id(r, 16)}",
    lambda r: f"quizlet.com/{_digits(r, 9)}/{_slug(r)}-flash-cards/",
    lambda r: f"www.khanacademy.org/math/{_slug(r)}",
)
_SCHEMES = ("https://", "https://", "http://", "")


def benign_link(rng: random.Random) -> str:
    shape = rng.choice(_SHAPES)(rng)
    scheme = rng.choice(_SCHEMES)
    if not scheme and not shape.startswith("www."):
        scheme = "https://"  # a bare "youtu.be/x" is rarely typed; "www.…" often is
    return scheme + shape


def with_links(texts: Sequence[str], share: float, seed: int) -> list[str]:
    """``texts`` with a seeded ``share`` of them carrying a link, before or after the words
    (most often after, as when a message introduces what it shares)."""
    return _with(texts, share, seed, benign_link)


def _with(
    texts: Sequence[str], share: float, seed: int, make: Callable[[random.Random], str]
) -> list[str]:
    """``texts`` with a seeded ``share`` of them given what ``make`` writes, a quarter of the
    time before the words, else after them."""
    rng = random.Random(seed)
    out = []
    for text in texts:
        if rng.random() >= share:
            out.append(text)
            continue
        extra = make(rng)
        out.append(f"{extra} {text}" if rng.random() < 0.25 else f"{text} {extra}")
    return out


def _phone(rng: random.Random) -> str:
    """A made-up number in one of the everyday shapes (UK, VN, US, SG, international)."""
    kind = rng.randrange(6)
    if kind == 0:
        return "07" + _digits(rng, 9)
    if kind == 1:
        return rng.choice(("09", "03", "08")) + _digits(rng, 8)
    if kind == 2:
        return f"({_digits(rng, 3)}){_digits(rng, 3)}-{_digits(rng, 4)}"
    if kind == 3:
        return f"{_digits(rng, 3)}-{_digits(rng, 3)}-{_digits(rng, 4)}"
    if kind == 4:
        return rng.choice("89") + _digits(rng, 7)
    return "+" + rng.choice(("44", "84", "65", "1")) + _digits(rng, 9)


_SAID = ("{n}", "call me {n}", "my number is {n}", "text me at {n}", "its {n}", "new no. {n}")


def with_numbers(texts: Sequence[str], share: float, seed: int) -> list[str]:
    """``texts`` with a seeded ``share`` of them giving a phone number, before or after the
    words."""
    return _with(texts, share, seed, lambda rng: rng.choice(_SAID).format(n=_phone(rng)))
