"""A labelled set for the redaction rules: personal data that must go, look-alikes that must stay.

Each case is ``(kind, text, gone)``: ``kind`` is an entity type of :data:`cxlib.text.redact.ENTITY_TYPES`
or ``"none"`` for a look-alike; ``gone`` lists the substrings that must not survive redaction (empty
for a look-alike, whose text must come back unchanged). Values are fictional (Ofcom's 07700 900xxx
drama numbers, the US 555-01xx range, HMRC's QQ 12 34 56 C example); real public sentences come from
``tests/fixtures/redaction/presidio_sentences.tsv`` (see tests/fixtures/README.md).
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["pii_cases", "lookalike_cases", "public_cases"]

FIXTURE = Path(__file__).parents[1] / "fixtures" / "redaction" / "presidio_sentences.tsv"

_PII: dict[str, tuple[list[str], list[str]]] = {
    "ssn": (["123-45-6789", "078-05-1120", "219-09-9999", "457 55 5462", "536-22-8726", "665-12-3456"],
            ["my ssn is {}", "They read my SSN: {} out loud on the call", "{} is my social, please delete it",
             "social security number {} was printed on the letter"]),
    "phone": (["(555) 123-4567", "555.123.4567", "+1 555 123 4567", "5551234567", "07700 900123", "555-123-4567",
               "1-800-555-0199", "+1 (415) 555-0132", "07700900123", "020 7946 0958", "+44 20 7946 0958",
               "+44 (0)20 7946 0958", "0161 496 0000", "+44 7700 900456", "0800 123 4567", "+33 1 23 45 67 89",
               "01 23 45 67 89", "+353 1 234 5678", "+61 2 9876 5432", "(212) 555-0123"],
              ["call me on {}", "my number is {} if you need me", "{} is my mobile", "I rang {} three times",
               "Please text {} when the engineer is on the way"]),
    "email": (["jane.doe@example.com", "john dot smith at gmail dot com", "jsmith at hotmail dot co dot uk",
               "jo [at] example [dot] org", "mary(at)yahoo(dot)com", "p.kumar at outlook.com",
               "bob_99 at example dot net", "anna {at} mail {dot} de", "kim AT icloud DOT com",
               "sam.lee@mail.example.co.uk"],
              ["email me at {}", "{} is the best address", "you can reach me: {}", "write to {} with the refund"]),
    "dob": (["DOB 12/03/1985", "date of birth: 1985-03-12", "born on 3rd May 1990", "born 12 March 1985",
             "my birthday is March 12, 1985", "D.O.B. 04.07.1976", "born in 1962", "birth date 31/12/1999"],
            ["they wanted my {} before talking to me", "{}, and still they could not find my account",
             "security questions again: {}"]),
    "ni_number": (["QQ 12 34 56 C", "AB123456C", "JG 10 37 58 A", "NE 12 34 56 D", "ZX 98 76 54 B"],
                  ["NI number {}", "my national insurance number is {}", "{} was on the form they lost"]),
    "sort_code": (["sort code 20-00-00", "sort code 40-47-84", "sort-code 309634", "sort code: 60 16 13"],
                  ["paid from {} last week", "{} is correct, check again", "I gave them {} twice"]),
    "account": (["account number 73849562", "a/c 31926819", "acct # 0012345678", "account no. 94545678",
                 "my account is 55512345"],
                ["the refund should go to {}", "{}, not the old one", "they debited {} by mistake"]),
    "passport": (["passport number 912803456", "passport no. 123456789", "passport: 502135326", "passport A12345678"],
                 ["I had to send a copy of my {}", "{} for the ID check", "why keep my {} on file?"]),
    "card": (["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005"],
             ["card {} was charged twice", "refund to {} please"]),
    "iban": (["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"],
             ["refund to {} please", "my IBAN {} is on file"]),
    "postcode": (["SW1A 1AA", "EC1A 1BB", "M1 1AE"], ["I live in {}", "deliver to {} next time"]),
}

#: Sort code and account number together: both must go.
_PAIRS = ["sort code 20-00-00 account 12345678", "20-32-06 53718286", "sort code 309634 acc 12345678",
          "sort code 40-47-84, account number 73849562"]

_LOOKALIKES: dict[str, list[str]] = {
    "price": ["it cost £25.99 a month", "$1,299.00 for the phone", "€49 per year", "paid 1 299,00 € upfront",
              "19.99 GBP a month", "a £5 discount", "charged $12.50 twice", "the 5G plan costs 25.99 a month",
              "£120.00 refund still pending", "USD 1,000 deposit", "£1,234,567 in fines", "2 for £10"],
    "order": ["order 4111111111111112 is late", "order 5551234567 never arrived", "ref 1234-5678-9012-3456",
              "ticket 48213", "order #123456789", "case number 0123456789", "invoice INV-2024-00123",
              "tracking number 1Z999AA10123456784", "booking ref ABC123", "reference 07700900123",
              "complaint ref 20240312", "order no. 1002003004", "my order number is 7788990011",
              "parcel 55512345678", "order 10001 arrived", "order 123-45-6789 was wrong"],
    "date": ["on 12/03/2024", "since 2024-03-12", "it broke on 12-03-24", "12 March 2024", "March 12, 2024",
             "visited on 03.12.2024", "from 1 Jan 2024 to 31 Dec 2024", "2023-11-05 09:30", "on the 3rd of May",
             "every Monday since 14/02/2023", "delivered 2024-03-12 at 10:30", "my contract started 01/01/2019"],
    "time": ["at 10:30", "14:05:33", "between 9am and 5pm", "at 3 pm", "10.30am", "waited from 09:00 to 17:30",
             "a 2-hour wait", "call back at 16:45 on 12/03/2024"],
    "percentage": ["100% annoyed", "12.5 % more", "only 3% of calls", "50-60% of the time", "99.9% uptime"],
    "year": ["since 2019", "in 2020 and 2021", "2019 2020 2021 were fine", "a customer since 1998",
             "the 2024 price rise"],
    "quantity": ["3 times in 2 weeks", "10 000 units", "2 x 500 ml", "waited 45 minutes", "1,234 kWh", "100 Mbps",
                 "4 engineers in 6 visits", "5 stars", "8 out of 10", "called 12 times", "scores 10 9 8 7 6",
                 "paid 25 30 40 50 60 over the months"],
    "technical": ["iOS 17.4.1", "router TG-789vac v2", "iPhone 15 Pro", "firmware 1.2.3.4", "ip 192.168.0.1",
                  "Windows 10 22H2", "flight BA 287 at gate 12", "room 101", "speed test 0.5 Mbps"],
    "near a keyword": ["my account was 3 months overdue", "my account for 2 years", "passport renewal took 6 weeks",
                       "born in a barn", "the sort code changed", "phone 3 times a day", "I looked at amazon dot com",
                       "we met at the store dot com stand"],
}
_LOOKALIKE_FRAMES = ["{}", "Honestly, {} and nobody cared.", "Complaint: {}."]


def pii_cases() -> list[tuple[str, str, tuple[str, ...]]]:
    """Texts holding personal data, with the substrings that must be gone."""
    out = []
    for kind, (values, frames) in _PII.items():
        for i, value in enumerate(values):
            for frame in frames[: 2 + (i % 2) * 2]:
                gone = _gone(kind, value)
                out.append((kind, frame.format(value), gone))
    for pair in _PAIRS:
        gone = tuple(t for t in pair.replace(",", " ").split() if any(ch.isdigit() for ch in t))
        out.append(("sort_code", f"refund to {pair} please", gone))
    return out + public_cases()


def _gone(kind: str, value: str) -> tuple[str, ...]:
    """What must not survive: the digits-bearing part of a keyword value ("passport no. 123456789")."""
    if kind in ("dob", "sort_code", "account", "passport"):
        tokens = [t.strip(",.:") for t in value.split() if any(ch.isdigit() for ch in t)]
        return tuple(tokens)
    return (value,)


def public_cases() -> list[tuple[str, str, tuple[str, ...]]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(r["kind"], r["text"], tuple(r["gone"].split("|"))) for r in rows]


def lookalike_cases() -> list[tuple[str, str]]:
    """``(category, text)``: texts without personal data; redaction must leave them unchanged."""
    out = []
    for category, texts in _LOOKALIKES.items():
        for i, text in enumerate(texts):
            for frame in _LOOKALIKE_FRAMES[: 1 + (i % 3)]:
                out.append((category, frame.format(text)))
    return out


def generated_phone_cases(*, context: bool = True) -> list[tuple[str, str, tuple[str, ...]]]:
    """libphonenumber's example number of every region (fixed line and mobile), in national and
    international format: phone shapes from outside these rules' author."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            for fmt in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL):
                text = phonenumbers.format_number(number, fmt)
                frame = "call me on {} please" if context else "{} is where I am"
                out.append(("phone", frame.format(text), (text,)))
    return out


def generated_lookalikes(seed: int = 11, n: int = 40) -> list[tuple[str, str]]:
    """Random dates, times, prices, percentages, quantities and order numbers in many formats."""
    import random
    from datetime import datetime, timedelta

    rnd = random.Random(seed)
    out = []
    date_formats = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y", "%d %B %Y", "%B %d, %Y", "%d.%m.%Y", "%Y-%m-%d %H:%M",
                    "%d/%m/%Y %H:%M:%S", "%m/%d/%Y", "%a %d %b %Y"]
    keywords = ["order", "order number", "ref", "ticket", "invoice", "case", "tracking number", "booking reference",
                "claim", "policy number"]
    for _ in range(n):
        day = datetime(2018, 1, 1) + timedelta(days=rnd.randrange(2500), minutes=rnd.randrange(1440))
        out.append(("date", f"it happened on {day.strftime(rnd.choice(date_formats))}"))
        out.append(("time", f"they called at {day:%H:%M} and again at {day + timedelta(minutes=95):%H:%M:%S}"))
        amount = rnd.choice([rnd.randrange(1, 99) + rnd.randrange(100) / 100, rnd.randrange(100, 5000),
                             rnd.randrange(1000, 2_000_000)])
        out.append(("price", rnd.choice([f"charged £{amount:,.2f}", f"${amount:,.2f} a month", f"{amount:,.0f} EUR",
                                         f"€{amount:.2f} extra", f"refund of {amount:,.2f} GBP"])))
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randrange(5, 17)))
        out.append(("order", f"{rnd.choice(keywords)} {digits} is still open"))
        out.append(("percentage", f"{rnd.randrange(1, 100)}% of calls, {rnd.randrange(1, 1000) / 10} % dropped"))
        out.append(("quantity", f"{rnd.randrange(2, 30)} visits in {rnd.randrange(2, 12)} weeks, "
                                f"{rnd.randrange(100, 99999):,} units, {rnd.randrange(1, 10)} x {rnd.randrange(100, 999)} ml"))
        out.append(("year", f"a customer from {rnd.randrange(1990, 2025)} to {rnd.randrange(2000, 2026)}"))
    return out
