"""Recipient-address leaks and per-recipient identifiers in e-mail URLs (issue 5, point 4; REFERENCE.md §4).

Forms follow Englehardt, Han & Narayanan, "I never signed up for this!" (PETS 2018): their mail server's HashChecker
took the full address to raw, URL-encoded, base64, md5, sha1/224/256/384/512, crc32 and adler32 (decimal and hex)
and murmur hashes, and its Python successor in Leaky Forms (Senol et al. 2022) ships with local-part matching off
(`ENABLE_USERNAME_MATCH = False`) and the domain left out ("Domain searches have too many false positives"). So the
local part alone is not a form here: "info" or "jane" would match words and ids, and no study reports it sent alone.

Their plain substring search was safe for generated unique addresses (name+surname+number); a real recipient's is
not, so matching has boundaries: address forms must stand alone (mary.jane.doe@… does not match jane.doe@…);
checksums and 32-bit murmur (8-10 characters, often digits) match only as whole tokens (delimited by
non-alphanumerics) and are dropped under 8 characters; hex digests and murmur3-128 halves (≥ 16 hex digits) match
anywhere, case-insensitively (a chance match is ~2^-64 per position at worst).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, quote, quote_plus, unquote, unquote_plus, urlsplit

MIN_FORM_LENGTH = 8  # shorter checksums (a crc32 under 10^7, ~0.2% of addresses) would match page numbers, ids
_M32, _M64 = 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF
_MAX_INFLATE = 1 << 20  # a zlib token is a few hundred bytes; never inflate a bomb


@dataclass(frozen=True, slots=True)
class IdentityForm:
    """One way the recipient's address can appear in a URL: its name (e.g. "sha256") and the text to look for."""

    identity: str  # the normalised address the form derives from
    name: str  # "raw", "url-encoded", "base64-urlsafe-nopad", "md5", "crc32-hex", "murmur3-128-hex", ...
    value: str
    family: str  # forms of one family encode the same thing; a location reports each family once
    boundary: str = ""  # "" substring; "token", "base64": whole token; "address": not part of a longer address
    case_sensitive: bool = False  # only base64 is; hex, decimal and addresses match in any case


@dataclass(frozen=True, slots=True)
class Leak:
    """A form of the recipient's address found in a request: which form, where, and the text that matched."""

    identity: str
    form: str  # IdentityForm.name
    where: str  # "host", "path", "query:<name>", "fragment", "body"; "<where>:base64-token" inside a decoded token
    matched: str  # as it appears (hex case preserved)
    via: str = ""  # "" as sent, "percent-decoded", "base64" or "zlib+base64"


@dataclass(frozen=True, slots=True)
class RecipientToken:
    """A URL value that looks like a per-recipient identifier (heuristic; see per_recipient_ids)."""

    url: str
    where: str  # "path" or "query:<name>"
    value: str
    reason: str  # e.g. "hex, 25 chars, 3.7 bits/char"


def _rotl(x: int, r: int, bits: int) -> int:
    return ((x << r) | (x >> (bits - r))) & ((1 << bits) - 1)


def _fmix64(k: int) -> int:
    k = (k ^ (k >> 33)) * 0xFF51AFD7ED558CCD & _M64
    k = (k ^ (k >> 33)) * 0xC4CEB9FE1A85EC53 & _M64
    return k ^ (k >> 33)


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3_x86_32 (Appleby's SMHasher reference), unsigned."""
    c1, c2, h, n = 0xCC9E2D51, 0x1B873593, seed & _M32, len(data) // 4 * 4
    for i in range(0, n, 4):
        k = _rotl(int.from_bytes(data[i : i + 4], "little") * c1 & _M32, 15, 32) * c2 & _M32
        h = (_rotl(h ^ k, 13, 32) * 5 + 0xE6546B64) & _M32
    if tail := data[n:]:
        h ^= _rotl(int.from_bytes(tail, "little") * c1 & _M32, 15, 32) * c2 & _M32
    h ^= len(data)
    h = (h ^ (h >> 16)) * 0x85EBCA6B & _M32
    h = (h ^ (h >> 13)) * 0xC2B2AE35 & _M32
    return h ^ (h >> 16)


def murmur3_x64_128(data: bytes, seed: int = 0) -> tuple[int, int]:
    """MurmurHash3_x64_128 (SMHasher reference) as its two 64-bit halves (h1, h2); the digest is h1‖h2 little-endian."""
    c1, c2, n = 0x87C37B91114253D5, 0x4CF5AD432745937F, len(data) // 16 * 16
    h1 = h2 = seed & _M32
    for i in range(0, n, 16):
        k1, k2 = int.from_bytes(data[i : i + 8], "little"), int.from_bytes(data[i + 8 : i + 16], "little")
        h1 ^= _rotl(k1 * c1 & _M64, 31, 64) * c2 & _M64
        h1 = ((_rotl(h1, 27, 64) + h2) * 5 + 0x52DCE729) & _M64
        h2 ^= _rotl(k2 * c2 & _M64, 33, 64) * c1 & _M64
        h2 = ((_rotl(h2, 31, 64) + h1) * 5 + 0x38495AB5) & _M64
    tail = data[n:]
    if len(tail) > 8:
        h2 ^= _rotl(int.from_bytes(tail[8:], "little") * c2 & _M64, 33, 64) * c1 & _M64
    if tail:
        h1 ^= _rotl(int.from_bytes(tail[:8], "little") * c1 & _M64, 31, 64) * c2 & _M64
    h1, h2 = h1 ^ len(data), h2 ^ len(data)
    h1 = (h1 + h2) & _M64
    h2 = (h2 + h1) & _M64
    h1, h2 = _fmix64(h1), _fmix64(h2)
    h1 = (h1 + h2) & _M64
    return h1, (h2 + h1) & _M64


def identity_forms(address: str) -> tuple[IdentityForm, ...]:
    """Every form research searched for, of the address trimmed and lower-cased; equal values are listed once.

    Upper-case hex is not a separate form: hex forms match case-insensitively. Murmur3 comes in the output
    conventions trackers use: 32-bit unsigned/signed decimal and hex; 128-bit x64 as the digest's hex (mmh3
    hash_bytes, Guava) and each 64-bit half in hex, which also covers "h1‖h2" (JS libraries) and mmh3's int in hex.
    """
    addr = address.strip().lower()
    if not addr:
        raise ValueError("identity_forms: empty address")
    data, forms, seen = addr.encode(), [], set()

    def add(name: str, value: str, family: str, boundary: str = "", case_sensitive: bool = False) -> None:
        key = value if case_sensitive else value.lower()
        if len(value) >= MIN_FORM_LENGTH and key not in seen:
            seen.add(key)
            forms.append(IdentityForm(addr, name, value, family, boundary, case_sensitive))

    def number(name: str, n: int, family: str) -> None:
        add(name, str(n), family, "token")
        if n >= 1 << 31:  # Java ints, JS bitwise results and mmh3.hash() are signed
            add(f"{name}-signed", str(n - (1 << 32)), family, "token")
        add(f"{name}-hex", f"{n:08x}", family, "token")
        add(f"{name}-hex", f"{n:x}", family, "token")  # unpadded, as Java's toHexString and JS toString(16)

    add("raw", addr, "address", "address")
    add("url-encoded", quote(addr, safe=""), "address", "address")
    add("url-encoded-plus", quote_plus(addr), "address", "address")
    for name, enc in (("base64", base64.b64encode), ("base64-urlsafe", base64.urlsafe_b64encode)):
        value = enc(data).decode()
        add(name, value, "base64", "base64", case_sensitive=True)
        add(f"{name}-nopad", value.rstrip("="), "base64", "base64", case_sensitive=True)
    for algo in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512"):
        add(algo, hashlib.new(algo, data, usedforsecurity=False).hexdigest(), algo)
    number("crc32", zlib.crc32(data), "crc32")
    number("adler32", zlib.adler32(data), "adler32")
    number("murmur3-32", murmur3_32(data), "murmur3-32")
    h1, h2 = murmur3_x64_128(data)
    add("murmur3-128-hex", (h1.to_bytes(8, "little") + h2.to_bytes(8, "little")).hex(), "murmur3-128")
    add("murmur3-128-h1-hex", f"{h1:016x}", "murmur3-128")
    add("murmur3-128-h2-hex", f"{h2:016x}", "murmur3-128")
    return tuple(forms)


# "base64": not inside a longer token ('/' is left out: it separates path segments), so base64 of a longer address
# that starts with the recipient's (aligned) does not match; a base64 address deep inside a blob is found by decoding.
_LEFT = {
    "": "",
    "token": r"(?<![A-Za-z0-9])",
    "base64": r"(?<![A-Za-z0-9+_-])",
    "address": r"(?:(?<![A-Za-z0-9._%+-])|(?<=%[0-9A-Fa-f]{2}))",
}
_RIGHT = {
    "": "",
    "token": r"(?![A-Za-z0-9])",
    "base64": r"(?![A-Za-z0-9+_-])",
    "address": r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9])",
}


@lru_cache(maxsize=1024)  # ~40 identities: a batch has few recipients; bounded memory
def _pattern(form: IdentityForm) -> re.Pattern[str]:
    flags = 0 if form.case_sensitive else re.IGNORECASE
    return re.compile(_LEFT[form.boundary] + re.escape(form.value) + _RIGHT[form.boundary], flags)


_TOKEN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")


def _decoded_tokens(text: str) -> Iterator[tuple[str, str]]:
    """(text, via) of each base64 token in `text` that decodes to mostly printable text; "eJ…" tokens inflated."""
    for token in _TOKEN.findall(text):
        raw = token.rstrip("=").replace("-", "+").replace("_", "/")
        try:
            data, via = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True), "base64"
        except (binascii.Error, ValueError):
            continue
        if token.startswith("eJ"):  # 0x78 0x9c/0xda/0x01: a zlib stream (Mailgun, SparkPost-style tokens)
            try:
                data, via = zlib.decompressobj().decompress(data, _MAX_INFLATE), "zlib+base64"
            except zlib.error:
                pass
        decoded = data.decode("utf-8", "replace")
        if decoded and sum(c.isprintable() for c in decoded) >= 0.8 * len(decoded):
            yield decoded, via


def _scan(out: list[Leak], forms: tuple[IdentityForm, ...], where: str, texts: list[tuple[str, str]]) -> None:
    """Add one Leak per (identity, family) found in the first of `texts` (text, via) that has it."""
    family = {(f.identity, f.name): f.family for f in forms}
    done = {(leak.identity, family.get((leak.identity, leak.form))) for leak in out if leak.where == where}
    for text, via in texts:
        for form in forms:
            if (form.identity, form.family) not in done and (m := _pattern(form).search(text)):
                done.add((form.identity, form.family))
                out.append(Leak(form.identity, form.name, where, m.group(0), via))


def _scan_value(out: list[Leak], forms: tuple[IdentityForm, ...], where: str, raw: str, plus: bool = False) -> None:
    """Scan a URL part as sent and percent-decoded once, then, for identities not yet found, its base64 tokens."""
    decoded = (unquote_plus if plus else unquote)(raw)
    _scan(out, forms, where, [(raw, ""), (decoded, "percent-decoded")] if decoded != raw else [(raw, "")])
    found = {leak.identity for leak in out if leak.where == where}
    rest = tuple(f for f in forms if f.identity not in found)
    if rest:
        for text, via in _decoded_tokens(unquote(raw)):
            _scan(out, rest, f"{where}:base64-token", [(text, via)])


def find_leaks(url: str, forms: Iterable[IdentityForm], *, body: bytes | str | None = None) -> tuple[Leak, ...]:
    """Every form of `forms` found in the URL's host, path, each query parameter, fragment, and `body` if given."""
    forms, out = tuple(forms), []
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a broken IPv6 host: search the text as a whole
        _scan_value(out, forms, "url", url)
        return tuple(out)
    _scan_value(out, forms, "host", parts.netloc)
    for segment in parts.path.split("/"):
        _scan_value(out, forms, "path", segment)
    for pair in filter(None, parts.query.split("&")):
        _scan_value(out, forms, f"query:{unquote_plus(pair.partition('=')[0])}", pair, plus=True)
    _scan_value(out, forms, "fragment", parts.fragment)
    if body is not None:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        _scan_value(out, forms, "body", text, plus=True)
    return tuple(dict.fromkeys(out))


# Per-recipient identifiers. Thresholds, measured on random strings: plug-in Shannon entropy of 16 random hex digits
# is ≥ 2.68 bits/char in 99% of cases, of 16 random base64 characters ≥ 3.38, of 16 random digits ≥ 2.35; words and
# slugs reach 3-4 bits/char too, so entropy only weeds out repetitive values ("0000000000000001": 0.3) and the
# structural rules below do the rest.
MIN_ID_LENGTH = 16
MIN_ID_ENTROPY = 2.5  # bits/char; shorter values use log2(length) - 1, as their entropy cannot reach it
_RECIPIENT_PARAMS = frozenset({"e", "uid", "rid", "upn", "subscriber_id", "recipient_id", "contact_id"})  # from 8
_HOSTNAME = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)
_DATE = re.compile(r"(?:19|20)\d\d[-/.]?[01]\d[-/.]?[0-3]\d(?:[T _-]?[0-2]\d(?::?[0-5]\d){1,2})?Z?")  # dates, times
_WORD = re.compile(r"[A-Za-z]+\d{0,4}|\d{1,4}|.{0,3}")  # a word, a word with a number ("Spring2024"), a short part
_EXT = re.compile(r"\.(?:gif|png|jpe?g|webp|svg|ico|css|js|html?|php|aspx?)$", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)


def _id_reason(value: str, min_length: int) -> str | None:
    """Why `value` looks like a per-recipient id, or None when it looks like a constant."""
    v = _EXT.sub("", value)
    if len(v) < min_length or "://" in v or "@" in v or _HOSTNAME.fullmatch(v) or _DATE.fullmatch(v):
        return None
    if not any(c.isdigit() for c in v) or all(_WORD.fullmatch(p) for p in re.split(r"[-_.+~ ]", v)):
        return None  # plain words and slugs: "newsletter", "spring-sale-2024", "NewsletterSpring2024"
    bits = -sum(n / len(v) * math.log2(n / len(v)) for n in Counter(v).values())
    if bits < min(MIN_ID_ENTROPY, math.log2(len(v)) - 1):
        return None
    kind = (
        "uuid" if _UUID.fullmatch(v)
        else "numeric" if v.isdigit()
        else "hex" if all(c in "0123456789abcdefABCDEF-" for c in v)
        else "base64-like" if re.fullmatch(r"[A-Za-z0-9+/_-]+=*", v)
        else "mixed"
    )  # fmt: skip
    return f"{kind}, {len(v)} chars, {bits:.1f} bits/char"


def per_recipient_ids(urls: Iterable[str]) -> tuple[RecipientToken, ...]:
    """Path segments and query values that look like per-recipient identifiers. A heuristic, not a proof.

    Reported: values of at least MIN_ID_LENGTH characters (8 for parameters platforms use for a recipient id, like
    Mailchimp's e=) with a digit, entropy of at least MIN_ID_ENTROPY, and not a URL, hostname, address, date, word
    or slug. One message cannot show that a value differs between recipients: a campaign id of the same shape is
    reported too; comparing two recipients' copies of a message would tell them apart.
    """
    out: dict[RecipientToken, None] = {}
    for url in urls:
        try:
            parts = urlsplit(url)
            query = parse_qsl(parts.query, keep_blank_values=True)
        except ValueError:
            continue
        values = [("path", unquote(segment), MIN_ID_LENGTH) for segment in parts.path.split("/")]
        values += [(f"query:{k}", v, 8 if k.lower() in _RECIPIENT_PARAMS else MIN_ID_LENGTH) for k, v in query]
        for where, value, min_length in values:
            if reason := _id_reason(value, min_length):
                out.setdefault(RecipientToken(url, where, value, reason))
    return tuple(out)
