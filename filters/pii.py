"""PII cleaner: redacts e-mail addresses and public IP addresses.

An e-mail address is ``local@domain.tld`` (ASCII local part of letters, digits and
``._%+-``; dotted domain; a top-level domain of 2+ letters). An IP address is an IPv4
dotted quad or an IPv6 address that Python's :mod:`ipaddress` accepts; it is redacted only
when it is public (``is_global`` and not multicast): private (10/8, 172.16/12, 192.168/16,
fc00::/7), loopback, link-local, shared (100.64/10), documentation and reserved addresses
are left alone, as they identify no one (BigScience ROOTS and Dolma make the same choice).
Counters: ``emails``, ``ip_addresses`` (redactions made).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re

from corpuskit.registry import Cleaner, register_filter

EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])"
)
# Starts with \d so the regex engine can skip ahead fast; boundaries are checked in Python.
IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
IPV6_RE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


def is_public_ip(candidate: str) -> bool:
    """Whether ``candidate`` parses as an IP address that is globally routable, not multicast."""
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return address.is_global and not address.is_multicast


def _standalone(text: str, start: int, end: int) -> bool:
    """No letter, digit or ``.digit`` glued to the match (``v1.2.3.4.5`` is no address).

    A port (``8.8.8.8:80``) or a sentence-final period may follow.
    """
    before = text[start - 1] if start else " "
    after = text[end : end + 2]
    if before.isalnum() or before in "._":
        return False
    if after[:1].isalnum() or after[:1] == "_" or (after[:1] == "." and after[1:2].isdigit()):
        return False
    return True


@register_filter
class Pii(Cleaner):
    """Replace e-mail addresses and public IP addresses with placeholders."""

    name = "pii"
    reasons = ("empty",)
    source = "corpuskit (e-mail and public-IP redaction as in BigScience ROOTS / Dolma)"

    @dataclasses.dataclass(frozen=True)
    class Params:
        emails: bool = True
        ip_addresses: bool = True
        email_replacement: str = "<EMAIL>"
        ip_replacement: str = "<IP_ADDRESS>"

    def clean(self, doc):
        return self.clean_counted(doc)[0]

    def clean_counted(self, doc):
        """``(document with redactions, {"emails": n, "ip_addresses": m})``; None if blank."""
        p = self.params
        text = doc.text
        counts = {"emails": 0.0, "ip_addresses": 0.0}
        if not text.strip():
            return None, counts
        if p.emails and "@" in text:
            text, n = EMAIL_RE.subn(p.email_replacement, text)
            counts["emails"] = float(n)
        if p.ip_addresses:
            text = self._redact_ips(text, IPV4_RE, counts)
            if "::" in text or text.count(":") >= 7:
                text = self._redact_ips(text, IPV6_RE, counts)
        if text == doc.text:
            return doc, counts
        return dataclasses.replace(doc, text=text), counts

    def _redact_ips(self, text: str, pattern: re.Pattern, counts: dict[str, float]) -> str:
        def replace(match: re.Match) -> str:
            if _standalone(text, match.start(), match.end()) and is_public_ip(match.group()):
                counts["ip_addresses"] += 1
                return self.params.ip_replacement
            return match.group()

        return pattern.sub(replace, text)

    def score(self, doc) -> dict[str, float]:
        return self.clean_counted(doc)[1]

    def decide(self, signals, doc):
        return None
