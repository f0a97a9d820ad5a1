"""Verifying the audit log: its hash chain, every stored checkpoint, and checkpoints kept outside the portal.

Entries are named by their number in the log (1 for the first; what a checkpoint's `entries` counts) and their id.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from registry.audit import checkpoints, signing, trail
from registry.extensions import db
from registry.models import AuditCheckpoint, AuditEntry
from registry.models.audit import canonical, statement

FETCH_TIMEOUT = 10  # seconds
MAX_DOCUMENT = 50 * 1024 * 1024
HEX64 = re.compile(r"[0-9a-f]{64}")


class Unreadable(ValueError):
    """A checkpoint kept elsewhere could not be read: nothing was checked against it."""


@dataclass(frozen=True)
class Problem:
    message: str
    position: int | None = None  # the first entry this problem puts in doubt


@dataclass(frozen=True)
class KeptCheckpoint:
    """A checkpoint as published (stored, or kept elsewhere)."""

    sequence: int
    entries: int
    head: str
    at: str
    previous: str
    signature: str

    def signed_bytes(self) -> bytes:
        return canonical(statement(self.sequence, self.entries, self.head, self.at, self.previous))

    @classmethod
    def of(cls, stored: AuditCheckpoint) -> KeptCheckpoint:
        fields = stored.statement()
        return cls(
            fields["sequence"], fields["entries"], fields["head"], fields["at"], fields["previous"], stored.signature
        )


@dataclass
class Verification:
    """What `audit verify` found."""

    entries: int = 0
    head: str = trail.GENESIS
    key_id: str = ""
    stored: list[AuditCheckpoint] = field(default_factory=list)
    outside: list[KeptCheckpoint] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # ids[n - 1]: the id of entry number n

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_failing(self) -> int | None:
        positions = [p.position for p in self.problems if p.position is not None]
        return min(positions) if positions else None

    def name(self, position: int) -> str:
        """'number 58 (id 61)', or just the number of an entry that is not in the log."""
        if 1 <= position <= len(self.ids):
            return f"number {position} (id {self.ids[position - 1]})"
        return f"number {position}"


def verify(outside: list[KeptCheckpoint] | None = None) -> Verification:
    """Check the chain, every stored checkpoint, and the checkpoints kept elsewhere, against this portal's key."""
    signer = checkpoints.key()
    found = Verification(key_id=signer.key_id, outside=list(outside or []))
    query = select(AuditCheckpoint).order_by(AuditCheckpoint.sequence).execution_options(populate_existing=True)
    found.stored = list(db.session.scalars(query))
    stored = [KeptCheckpoint.of(c) for c in found.stored]
    wanted = {c.entries for c in stored + found.outside}
    heads = _walk_chain(found, wanted)
    signed = [c for c in _signed(found, stored, signer, "") if c is not None]
    signed += [c for c in _signed(found, found.outside, signer, " kept elsewhere") if c is not None]
    _check_sequence(found, found.stored)
    _check_outside_against_stored(found, {c.sequence: c for c in stored})
    _check_against_log(found, signed, heads)
    return found


def _walk_chain(found: Verification, wanted: set[int]) -> dict[int, str]:
    """Follow the hash chain from the first entry; return the hashes at the numbers checkpoints name."""
    previous, heads = trail.GENESIS, {0: trail.GENESIS}
    # populate_existing: judge what is stored, not objects this session holds in memory.
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(populate_existing=True, yield_per=1000)
    for position, entry in enumerate(db.session.scalars(query), start=1):
        found.ids.append(entry.id)
        if entry.prev_hash != previous:
            found.problems.append(
                Problem(f"entry {found.name(position)}: does not follow the entry before it", position)
            )
        if entry.compute_hash() != entry.hash:
            found.problems.append(Problem(f"entry {found.name(position)}: content does not match its hash", position))
        if position in wanted:
            heads[position] = entry.hash
        previous = entry.hash
    found.entries, found.head = len(found.ids), previous
    return heads


def _signed(found: Verification, kept: list[KeptCheckpoint], signer: signing.SigningKey, where: str):
    """Each checkpoint whose signature holds (None for the others, which are reported)."""
    for c in kept:
        if signing.verify(signer.public_key, c.signature, c.signed_bytes()):
            yield c
        else:
            found.problems.append(
                Problem(
                    f"checkpoint #{c.sequence}{where} ({c.at}, {c.entries} entries): its signature does not verify "
                    f"with this portal's key {signer.key_id}: the checkpoint was altered or not made by this portal"
                )
            )
            yield None


def _check_sequence(found: Verification, stored: list[AuditCheckpoint]) -> None:
    """Stored checkpoints run #1, #2, … each naming the one before: a gap or a break means one was removed."""
    before = None
    for c in stored:
        expected = before.sequence + 1 if before else 1
        if c.key_id != found.key_id:
            found.problems.append(
                Problem(f"checkpoint #{c.sequence}: signed with key {c.key_id}, not this portal's key {found.key_id}")
            )
        if c.sequence != expected:
            missing = f"#{expected}" if c.sequence == expected + 1 else f"#{expected} to #{c.sequence - 1}"
            found.problems.append(
                Problem(
                    f"checkpoint {missing} missing: the stored checkpoints jump from "
                    f"{'#' + str(before.sequence) if before else 'the start'} to #{c.sequence} (removed)",
                    (before.entries if before else 0) + 1,
                )
            )
        elif c.previous != (before.digest() if before else trail.GENESIS):
            found.problems.append(
                Problem(
                    f"checkpoint #{c.sequence}: does not follow checkpoint #{before.sequence if before else 0} "
                    "(the checkpoint before it was replaced)",
                    (before.entries if before else 0) + 1,
                )
            )
        if before and c.entries < before.entries:
            found.problems.append(
                Problem(
                    f"checkpoint #{c.sequence}: covers {c.entries} entries, fewer than "
                    f"checkpoint #{before.sequence} ({before.entries})",
                    c.entries + 1,
                )
            )
        before = c


def _check_outside_against_stored(found: Verification, stored: dict[int, KeptCheckpoint]) -> None:
    for c in found.outside:
        mine = stored.get(c.sequence)
        if mine is None:
            found.problems.append(
                Problem(
                    f"checkpoint #{c.sequence} kept elsewhere ({c.at}, {c.entries} entries) is not among the stored "
                    "checkpoints: it was removed"
                )
            )
        elif mine != c:
            found.problems.append(
                Problem(
                    f"checkpoint #{c.sequence} kept elsewhere ({c.at}, {c.entries} entries, head {c.head[:12]}…) "
                    f"differs from the stored one ({mine.at}, {mine.entries} entries, head {mine.head[:12]}…)"
                )
            )


def _check_against_log(found: Verification, signed: list[KeptCheckpoint], heads: dict[int, str]) -> None:
    """Every signed checkpoint must find its entries and its head in the log."""
    holding = sorted({c.entries for c in signed if c.entries <= found.entries and heads.get(c.entries) == c.head})
    reported = set()
    for c in sorted(signed, key=lambda kept: (kept.entries, kept.sequence)):
        if (c.entries, c.head) in reported:
            continue
        where = f"checkpoint #{c.sequence} ({c.at})"
        if c.entries > found.entries:
            reported.add((c.entries, c.head))
            first = found.entries + 1
            removed = f"entry {first} was" if first == c.entries else f"entries {first} to {c.entries} were"
            found.problems.append(
                Problem(
                    f"entry {found.name(first)}: missing. The log has {found.entries} entries, but {where} signed "
                    f"{c.entries}: {removed} removed",
                    first,
                )
            )
        elif heads.get(c.entries) != c.head:
            reported.add((c.entries, c.head))
            sound = max([n for n in holding if n < c.entries], default=0)
            first = sound + 1
            after = (
                f"entry {sound}, covered by a checkpoint that holds, is sound" if sound else "no entry is vouched for"
            )
            span = (
                f"entry {found.name(first)}: from here to entry {found.name(c.entries)}"
                if first < c.entries
                else f"entry {found.name(first)}:"
            )
            found.problems.append(
                Problem(
                    f"{span} the log no longer leads to the head {where} signed ({c.head[:12]}…, now "
                    f"{heads.get(c.entries, '')[:12]}…): {'one of them' if first < c.entries else 'it'} was rewritten "
                    f"({after})",
                    first,
                )
            )


def read_kept(source: str) -> list[KeptCheckpoint]:
    """Checkpoints from a file or an http(s) URL: a copy of /audit/checkpoints.json, of one checkpoint's page, or a
    single checkpoint object {sequence, entries, head, at, previous, signature}."""
    if re.match(r"https?://", source, re.IGNORECASE):
        try:
            with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http(s) only)
                raw = response.read(MAX_DOCUMENT + 1)
        except urllib.error.HTTPError as error:
            error.close()
            raise Unreadable(f"could not fetch {source}: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise Unreadable(f"could not fetch {source}: {getattr(error, 'reason', error)}") from None
    else:
        try:
            raw = Path(source).read_bytes()[: MAX_DOCUMENT + 1]
        except OSError as error:
            raise Unreadable(f"could not read {source}: {error.strerror}") from None
    if len(raw) > MAX_DOCUMENT:
        raise Unreadable(f"{source} is larger than {MAX_DOCUMENT // (1024 * 1024)} MB")
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unreadable(f"{source} is not JSON ({error})") from None
    items = document.get("checkpoints") if isinstance(document, dict) and "checkpoints" in document else [document]
    if not isinstance(items, list) or not items:
        raise Unreadable(f"{source} holds no checkpoints")
    return [_kept(item, source) for item in items]


def _kept(item, source: str) -> KeptCheckpoint:
    try:
        kept = KeptCheckpoint(
            item["sequence"], item["entries"], item["head"], item["at"], item["previous"], item["signature"]
        )
    except (KeyError, TypeError):
        raise Unreadable(f"{source}: a checkpoint needs sequence, entries, head, at, previous and signature") from None
    if (
        not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (kept.sequence, kept.entries))
        or not all(isinstance(s, str) for s in (kept.head, kept.at, kept.previous, kept.signature))
        or not HEX64.fullmatch(kept.head)
        or not HEX64.fullmatch(kept.previous)
    ):
        raise Unreadable(f"{source}: checkpoint {item.get('sequence')!r} is not in the published form")
    return kept
