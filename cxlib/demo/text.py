"""Comment text for the demo clients: per-theme sentence templates, personal data and hostile text.

Used by :mod:`cxlib.demo.voice` only. A comment is built from the themes a respondent's experience
planted (one sentence per theme, in varied wording), joined with connectors, with an optional
opener and closer, a few typos, and -- for some comments -- a *decoy*: a negated mention of a
theme that must not be coded as that theme ("the staff were not rude at all").

Everything is drawn from a :class:`random.Random` seeded by the caller, so the same seed gives
the same text. The wording is written for this module; it is not derived from any codebook's
patterns.

Examples
--------
>>> import random
>>> text, meta = compose(("waiting.long_wait",), tone=-1, rnd=random.Random(1), vocab=VOCAB["telecom"])
>>> isinstance(text, str) and len(text) > 10
True
>>> luhn_ok("4111111111111111")
True
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

__all__ = [
    "THEME_LABELS",
    "LEAF_THEMES",
    "POSITIVE_THEMES",
    "VOCAB",
    "HOSTILE_PAYLOADS",
    "PII_KINDS",
    "compose",
    "pii_snippet",
    "not_pii_snippet",
    "luhn_ok",
    "iban_ok",
]

#: Theme ids and labels of the starter codebook (parents, then their leaves).
THEME_LABELS: dict[str, str] = {
    "billing": "Billing",
    "billing.unexpected_charges": "Unexpected charges",
    "billing.confusing_invoice": "Confusing invoice",
    "billing.payment_problems": "Payment problems",
    "waiting": "Waiting",
    "waiting.long_wait": "Long wait",
    "waiting.no_updates": "No updates while waiting",
    "effort": "Customer effort",
    "effort.repeat_information": "Had to repeat information",
    "effort.handoffs": "Passed between departments",
    "effort.unresolved": "Issue not resolved",
    "staff": "Staff",
    "staff.rude_staff": "Rude staff",
    "staff.helpful_staff": "Helpful staff",
    "digital": "Digital channels",
    "digital.app_problems": "App problems",
    "digital.website_usability": "Website usability",
    "onboarding": "Getting started",
    "onboarding.setup_difficult": "Set-up difficult",
    "onboarding.delivery_delay": "Delivery delay",
    "value": "Value for money",
    "value.too_expensive": "Too expensive",
    "value.good_value": "Good value",
    "product": "Product",
    "product.reliability": "Reliability",
    "product.quality_praise": "Quality praise",
}
LEAF_THEMES: tuple[str, ...] = tuple(t for t in THEME_LABELS if "." in t)
POSITIVE_THEMES: frozenset[str] = frozenset({"staff.helpful_staff", "value.good_value", "product.quality_praise"})

# ------------------------------------------------------------------------------------------------
# sentence templates; {slots} are filled from the industry vocabulary and the random draw
# ------------------------------------------------------------------------------------------------
_T: dict[str, tuple[str, ...]] = {
    "billing.unexpected_charges": (
        "I was charged {amount} more than I agreed to and nobody told me why",
        "there was an extra fee on my bill that I never signed up for",
        "they took the money twice for the same month",
        "my bill went up without any warning",
        "a surprise charge of {amount} appeared out of nowhere",
        "I keep finding add-ons on my account that I never asked for",
        "the price I was quoted is not the price I ended up paying",
        "got billed for a {thing} I had already cancelled",
        "double charged AGAIN, second time this year",
        "random charges keep turning up on my statement",
        "they overcharged me by {amount}",
    ),
    "billing.confusing_invoice": (
        "the invoice is impossible to understand",
        "I can't make sense of my bill, too many lines and codes",
        "nobody could explain what half the items on the statement were",
        "the layout of the bill is really confusing",
        "it took me an hour to work out what I was actually paying for",
        "the breakdown on the invoice doesn't add up",
        "why does the bill have to be so complicated?",
        "the statement is full of jargon nobody understands",
    ),
    "billing.payment_problems": (
        "my direct debit failed for no reason",
        "the payment page kept rejecting my card",
        "I tried to pay {n} times and it wouldn't go through",
        "my refund still hasn't arrived after {days} days",
        "they lost my payment and then sent me a reminder letter",
        "setting up the direct debit was a nightmare",
        "the payment was taken but my account still shows as overdue",
        "I couldn't update my bank details online",
    ),
    "waiting.long_wait": (
        "I was on hold for {mins} minutes",
        "waited ages to get through to anyone",
        "the queue was endless",
        "it took {days} days just to get a reply",
        "spent most of my lunch break listening to hold music",
        "the waiting time is ridiculous",
        "nobody picked up for over an hour",
        "I was stuck in a queue forever",
    ),
    "waiting.no_updates": (
        "nobody kept me informed about what was happening",
        "I heard nothing for {days} days",
        "no one bothered to update me, I had to chase them every time",
        "radio silence after I raised the issue",
        "they never called back like they promised",
        "I was left in the dark for over a week",
        "not a single update until I complained",
        "I had to keep chasing for news",
    ),
    "effort.repeat_information": (
        "I had to give my details again every time I called",
        "explained the whole story {n} times to different people",
        "they asked for my account number again even though I'd already given it",
        "why do I have to repeat everything to every new person?",
        "had to send the same documents twice",
        "each agent asked me the same questions all over again",
        "they already had my information but still made me go through it again",
        "kept having to start from scratch with every call",
    ),
    "effort.handoffs": (
        "I was passed from one department to another",
        "transferred {n} times before anyone could help",
        "everyone said it was another team's problem",
        "bounced around between departments",
        "they kept putting me through to the wrong team",
        "got handed over again and again",
        "sent back and forth between teams who don't talk to each other",
    ),
    "effort.unresolved": (
        "my problem still isn't fixed",
        "the issue was never resolved",
        "after {n} contacts I'm still waiting for a solution",
        "they closed my case without sorting anything out",
        "nothing has been done about it",
        "still not sorted, weeks later",
        "no resolution whatsoever",
    ),
    "staff.rude_staff": (
        "the agent was rude and dismissive",
        "the person I spoke to was really unpleasant",
        "the staff were condescending",
        "I was spoken to like an idiot",
        "the advisor hung up on me",
        "the man in the {place} was impolite and couldn't care less",
        "the attitude of the staff was appalling",
        "she was sarcastic and made me feel stupid",
    ),
    "staff.helpful_staff": (
        "the agent was really helpful",
        "{name} on the phone sorted everything out",
        "the staff were friendly and knew what they were talking about",
        "the advisor went above and beyond",
        "lovely people in the {place}",
        "the person I dealt with was patient and kind",
        "great service from {name}",
        "a really professional team",
        "the staff couldn\u2019t have been more helpful",
    ),
    "digital.app_problems": (
        "the app keeps crashing",
        "I can't log in to the app",
        "the app freezes every time I try to {app_task}",
        "the latest app update broke everything",
        "the app is slow and buggy",
        "the app logged me out {n} times in a row",
        "half the features in the app don't work",
    ),
    "digital.website_usability": (
        "the website is a maze",
        "couldn't find anything on the website",
        "the site is clunky and hard to navigate",
        "the online form kept timing out",
        "the website is so confusing",
        "the search on the site is useless",
        "I gave up on the website and had to call instead",
    ),
    "value.too_expensive": (
        "way too expensive for what you get",
        "prices are much higher than other {providers}",
        "I'm paying far too much",
        "overpriced",
        "the renewal price is extortionate",
        "it costs a fortune",
        "I can't justify the cost any more",
    ),
    "value.good_value": (
        "good value for money",
        "very reasonable price",
        "cheaper than anywhere else I looked",
        "you get a lot for the price",
        "fair prices",
        "a great deal",
    ),
}

#: Industry vocabulary; product and onboarding themes are worded per industry.
VOCAB: dict[str, dict[str, tuple[str, ...]]] = {
    "telecom": {
        "thing": ("router", "SIM", "phone", "broadband package", "TV add-on"),
        "place": ("shop", "store"),
        "providers": ("networks", "providers"),
        "app_task": ("check my data", "pay my bill", "change my plan"),
        "currency": ("\u20ac",),
        "onboarding.setup_difficult": (
            "setting up the router was a nightmare", "activation took forever",
            "the SIM didn't work on day one", "the installation instructions were useless",
            "getting connected was much harder than it should be", "porting my number took three attempts"),
        "onboarding.delivery_delay": (
            "the router arrived {days} days late", "the engineer visit was postponed twice",
            "the phone was delivered a week late", "still waiting for the kit to arrive"),
        "product.reliability": (
            "the signal keeps dropping", "the internet goes down every evening",
            "calls cut out all the time", "the broadband is unreliable", "no coverage at home half the time"),
        "product.quality_praise": (
            "the network is fast and reliable", "great coverage everywhere I go",
            "the broadband has been rock solid", "excellent speeds"),
    },
    "retail": {
        "thing": ("jacket", "pair of shoes", "lamp", "coat", "sofa cushion"),
        "place": ("store", "shop"),
        "providers": ("shops", "retailers"),
        "app_task": ("check out", "track my order", "use my voucher"),
        "currency": ("\u00a3",),
        "onboarding.setup_difficult": (
            "creating an account was painful", "setting up click and collect was confusing",
            "the assembly instructions were impossible", "registering my rewards card took ages"),
        "onboarding.delivery_delay": (
            "my order arrived {days} days late", "the parcel was delayed again",
            "still waiting for my delivery", "the courier missed the delivery slot",
            "it took far too long to arrive", "the delivery date kept moving"),
        "product.reliability": (
            "the {thing} fell apart after a week", "the zip broke the first time I used it",
            "it stopped working after a month", "poor quality, it broke straight away",
            "the stitching came undone after one wash"),
        "product.quality_praise": (
            "the quality of the clothes is excellent", "lovely products, really well made",
            "the {thing} is brilliant", "great quality, it has lasted for years"),
    },
    "insurance": {
        "thing": ("policy", "add-on cover", "breakdown cover", "home policy"),
        "place": ("branch", "office"),
        "providers": ("insurers", "companies"),
        "app_task": ("download my documents", "report a claim", "update my details"),
        "currency": ("$",),
        "onboarding.setup_difficult": (
            "setting up the policy online was a struggle", "the sign-up process was far too complicated",
            "activating my online account was a pain", "getting started took much longer than it should"),
        "onboarding.delivery_delay": (
            "my policy documents arrived weeks late", "the welcome pack took ages to come",
            "my proof of cover came {days} days late", "the documents still haven't arrived"),
        "product.reliability": (
            "the claim didn't pay out what the policy said", "the cover wasn't there when I needed it",
            "the policy didn't cover what I was told it would", "the courtesy car never materialised"),
        "product.quality_praise": (
            "the claim was paid quickly and in full", "the cover is comprehensive",
            "they paid out without any fuss", "really solid cover for the family"),
    },
}

#: Negated mentions: they name a theme but must not be coded as it.
_DECOYS: tuple[tuple[str, str], ...] = (
    ("staff.rude_staff", "the staff were not rude at all"),
    ("staff.rude_staff", "nobody was rude to me"),
    ("billing.unexpected_charges", "no hidden fees this time"),
    ("billing.unexpected_charges", "there were no surprise charges"),
    ("waiting.long_wait", "I didn't have to wait long"),
    ("waiting.long_wait", "there was no queue at all"),
    ("digital.app_problems", "the app never crashed on me"),
    ("effort.repeat_information", "I never had to repeat myself"),
    ("onboarding.delivery_delay", "the delivery wasn't late"),
    ("value.too_expensive", "it's not overpriced"),
)
_GENERIC: tuple[str, ...] = ("ok", "Nothing to add.", "n/a", "All fine.", "no comment", "Average.",
                             "It is what it is.", "Fine thanks", "-", "Nothing else to say")
_OPENERS: tuple[str, ...] = ("", "", "", "", "Honestly, ", "To be fair, ", "Overall ", "Well, ", "Where do I start. ",
                             "As a loyal customer, ", "After {years} years with you, ")
_CLOSE_NEG: tuple[str, ...] = ("Very disappointed.", "Would not recommend.", "Sort it out!", "Thinking of leaving.",
                               "Not good enough.", "Fed up.")
_CLOSE_POS: tuple[str, ...] = ("Thanks!", "Keep it up.", "Would recommend.", "Happy customer.", "Cheers")
_NAMES: tuple[str, ...] = ("Priya", "Tom", "Sarah", "Kwame", "Elena", "Marco", "Aisha", "Dave")
_JOIN_SAME: tuple[str, ...] = (". ", ". Also ", " and ", ", plus ", ". On top of that ", "; ")
_JOIN_SWITCH: tuple[str, ...] = (" but ", ". However ", ". On the plus side ", ", although ")

#: Hostile payloads, keyed by kind; "formula" always starts its comment.
HOSTILE_PAYLOADS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "img_onerror": "<img src=x onerror=alert(1)>",
    "formula": '=HYPERLINK("http://x.example","y")',
    "tracker_image": "![](https://tracker.example/p.png)",
    "file_url": "file:///etc/passwd",
    "latex": "\\input{/etc/passwd}",
}
PII_KINDS: tuple[str, ...] = ("email", "phone", "card", "iban", "postcode")

_PII_SENT: dict[str, tuple[str, ...]] = {
    "email": ("You can email me at {v}", "my email is {v} if you need it", "contact me: {v}"),
    "phone": ("Call me back on {v}", "my number is {v}", "ring me on {v} please"),
    "card": ("My card number is {v}", "the card I used was {v}", "card {v} for your records"),
    "iban": ("My IBAN is {v} for your records", "account {v}", "IBAN: {v}"),
    "postcode": ("I live in {v}", "my postcode is {v}", "we're at {v}"),
}
_POSTCODES: tuple[str, ...] = ("SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
                               "LS1 4AP", "EH1 1YZ", "BS1 5TR", "G2 3AB", "CF10 1EP")
_FIRST = ("anna", "ben", "chloe", "dan", "emma", "finn", "grace", "harry", "isla", "jack")
_LAST = ("smith", "jones", "patel", "brown", "wilson", "taylor", "khan", "evans")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (digits only) passes the Luhn check.

    >>> luhn_ok("79927398713"), luhn_ok("79927398710")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _luhn_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise RuntimeError("unreachable")  # pragma: no cover


def iban_ok(iban: str) -> bool:
    """True when ``iban`` (spaces allowed) passes the ISO 13616 mod-97 check.

    >>> iban_ok("GB82 WEST 1234 5698 7654 32")
    True
    """
    s = iban.replace(" ", "").upper()
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def _iban(rnd: random.Random) -> str:
    if rnd.random() < 0.6:
        country, bban = "GB", "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + \
            "".join(rnd.choice("0123456789") for _ in range(14))
    else:
        country, bban = "DE", "".join(rnd.choice("0123456789") for _ in range(18))
    num = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    raw = f"{country}{98 - num % 97:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4)) if rnd.random() < 0.6 else raw


def _card(rnd: random.Random) -> str:
    prefix = rnd.choice(("4", "51", "52", "55"))
    body = prefix + "".join(rnd.choice("0123456789") for _ in range(15 - len(prefix)))
    num = body + _luhn_digit(body)
    style = rnd.random()
    if style < 0.5:
        return " ".join(num[i:i + 4] for i in range(0, 16, 4))
    if style < 0.7:
        return "-".join(num[i:i + 4] for i in range(0, 16, 4))
    return num


def _phone(rnd: random.Random) -> str:
    x3 = f"{rnd.randrange(1000):03d}"
    return rnd.choice((
        f"+44 20 7946 0{x3}", f"020 7946 0{x3}", f"(020) 7946-0{x3}", f"0161 496 0{x3}",
        f"+44 161 496 0{x3}", f"+1 212-555-01{x3[:2]}", f"+49 30 90{x3}2", f"+353 1 555 0{x3}",
    ))


def _email(rnd: random.Random) -> str:
    sep = rnd.choice((".", "_", ""))
    return f"{rnd.choice(_FIRST)}{sep}{rnd.choice(_LAST)}{rnd.randrange(10, 99)}@" + \
        rnd.choice(("example.com", "example.org", "mail.example.net"))


def pii_snippet(kind: str, rnd: random.Random) -> tuple[str, str]:
    """A sentence carrying personal data of ``kind`` and the value itself.

    >>> s, v = pii_snippet("card", random.Random(3)); v in s and luhn_ok(v.replace(" ", "").replace("-", ""))
    True
    """
    value = {"email": _email, "phone": _phone, "card": _card, "iban": _iban,
             "postcode": lambda r: r.choice(_POSTCODES)}[kind](rnd)
    return rnd.choice(_PII_SENT[kind]).format(v=value), value


def not_pii_snippet(rnd: random.Random) -> tuple[str, str, str]:
    """A sentence with a number that must NOT be redacted: an order number failing Luhn, or a date.

    Returns (sentence, kind, value) with kind ``order_number`` or ``date``.
    """
    if rnd.random() < 0.5:
        while True:
            num = "".join(rnd.choice("0123456789") for _ in range(16))
            if num[0] != "0" and not luhn_ok(num):
                break
        value = " ".join(num[i:i + 4] for i in range(0, 16, 4)) if rnd.random() < 0.5 else num
        return rnd.choice(("Order number {v}", "my order {v}", "ref {v}")).format(v=value), "order_number", value
    day, month = rnd.randrange(1, 29), rnd.randrange(1, 13)
    value = rnd.choice((f"{day:02d}/{month:02d}/2025", f"2025-{month:02d}-{day:02d}",
                        f"{day} {_MONTHS[month - 1]} 2025"))
    return rnd.choice(("This was on {v}", "since {v}", "it happened on {v}")).format(v=value), "date", value


def _fill(template: str, rnd: random.Random, vocab: Mapping[str, Sequence[str]]) -> str:
    if "{" not in template:
        return template
    cur = vocab["currency"][0]
    return template.format(
        amount=f"{cur}{rnd.choice((5, 9.99, 12.5, 15, 20, 30, 45.8, 60))}",
        n=rnd.choice(("two", "three", "four", "3", "5")),
        days=rnd.choice((3, 5, 10, 12, 14, 21)),
        mins=rnd.choice((40, 45, 55, 70, 90)),
        thing=rnd.choice(vocab["thing"]),
        place=rnd.choice(vocab["place"]),
        providers=rnd.choice(vocab["providers"]),
        app_task=rnd.choice(vocab["app_task"]),
        name=rnd.choice(_NAMES),
        years=rnd.choice((2, 3, "two", "three")),
    )


def _sentence(theme: str, rnd: random.Random, vocab: Mapping[str, Sequence[str]]) -> str:
    options = vocab.get(theme) or _T[theme]
    return _fill(rnd.choice(options), rnd, vocab)


def _typo(text: str, rnd: random.Random) -> str:
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not idx:
        return text
    i = rnd.choice(idx)
    w = words[i]
    j = rnd.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:] if rnd.random() < 0.7 else w[:j] + w[j + 1:]
    return " ".join(words)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def compose(themes: Sequence[str], *, tone: int, rnd: random.Random, vocab: Mapping[str, Sequence[str]],
            social: bool = False, decoy_rate: float = 0.08, typo_rate: float = 0.05) -> tuple[str, dict]:
    """Write one comment that expresses exactly ``themes``.

    Parameters
    ----------
    themes : sequence of str
        Leaf theme ids to express (may be empty: a generic comment without a theme).
    tone : {-1, 0, 1}
        Overall tone, used for the closer.
    rnd : random.Random
        The only source of randomness.
    vocab : mapping
        One of :data:`VOCAB`.
    social : bool
        Shorter, social-media style (hashtags, no opener).

    Returns
    -------
    (str, dict)
        The comment and ``{"decoy": bool, "typo": bool, "names": bool}``.
    """
    meta = {"decoy": False, "typo": False, "names": False}
    if not themes:
        text = rnd.choice(_GENERIC)
        if rnd.random() < decoy_rate * 2:
            text = _cap(rnd.choice(_DECOYS)[1]) + "."
            meta["decoy"] = True
        return text, meta
    parts: list[str] = []
    prev_pos = None
    for theme in themes:
        s = _sentence(theme, rnd, vocab)
        meta["names"] |= any(nm in s for nm in _NAMES)
        pos = theme in POSITIVE_THEMES
        if not parts:
            parts.append(_cap(s))
        else:
            joins = _JOIN_SWITCH if pos != prev_pos else _JOIN_SAME
            j = rnd.choice(joins)
            if parts[-1].endswith("?") and j.startswith((".", ";", ",")):
                j = " " + j[1:].lstrip()
            parts.append(j + (_cap(s) if j.endswith(". ") or j == " " else s))
        prev_pos = pos
    if rnd.random() < decoy_rate:
        # a decoy never contradicts a theme the comment really has
        options = [d for th, d in _DECOYS if th not in themes]
        parts.append(". " + _cap(rnd.choice(options)))
        meta["decoy"] = True
    body = "".join(parts)
    if not social:
        opener = _fill(rnd.choice(_OPENERS), rnd, vocab)
        if opener:
            keep = opener.endswith(". ") or body.startswith(_NAMES + ("I ", "I'", "AGAIN"))
            body = opener + (body if keep else body[0].lower() + body[1:])
    body = body.rstrip(" .;,")
    if not body.endswith(("?", "!")):
        body += rnd.choice((".", ".", ".", "!", "", "..."))
    closer = ""
    if tone < 0 and rnd.random() < 0.35:
        closer = rnd.choice(_CLOSE_NEG)
    elif tone > 0 and rnd.random() < 0.35:
        closer = rnd.choice(_CLOSE_POS)
    if closer:
        body = (body if body.endswith((".", "!", "?")) else body + ".") + " " + closer
    if social and rnd.random() < 0.4:
        tags = (("#fail", "#neveragain", "#help") if tone < 0 else ("#happy", "#thanks") if tone > 0
                else ("#customerservice",))
        body += " " + rnd.choice(tags)
    if rnd.random() < typo_rate:
        body = _typo(body, rnd)
        meta["typo"] = True
    if rnd.random() < 0.04:
        body = body.lower()
    return body, meta
