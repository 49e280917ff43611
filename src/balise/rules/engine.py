"""Run the rules a policy selects on one context, and return their findings with the time each rule took.

A rule that raises is not swallowed: it becomes one ``UNKNOWN`` finding for that rule (subject kind ``rule``)
whose evidence names the error and where it was raised, and the other rules' findings are returned as usual.
The policy's severity and owner overrides are applied here, and each finding's evidence is made plain JSON
(dates as ISO strings, numpy numbers as floats) so that it can be stored and printed as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from balise.domain.findings import Finding, Status, Subject
from balise.i18n import rules_messages as rm
from balise.rules.base import Registry
from balise.rules.context import RuleContext
from balise.rules.policy import Policy, Selected


@dataclass(frozen=True, slots=True)
class RuleRun:
    """One rule's evaluation: how long it took, how many findings it gave, and its error if it raised."""

    code: str
    name: str
    seconds: float
    findings: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class EngineRun:
    findings: list[Finding]
    rules: list[RuleRun]

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.rules)


def evaluate(ctx: RuleContext, registry: Registry, policy: Policy | None = None) -> list[Finding]:
    """The findings of every rule ``policy`` enables (all of them by default)."""
    return run(ctx, registry, policy).findings


def run(ctx: RuleContext, registry: Registry, policy: Policy | None = None, *,
        codes: Iterable[str] | None = None) -> EngineRun:
    """Like ``evaluate``, with each rule's timing; ``codes`` restricts the run to these (enabled) rules."""
    findings: list[Finding] = []
    runs: list[RuleRun] = []
    for sel in (policy or Policy()).select(registry, codes):
        start = time.perf_counter()
        # A rule runs once per context and parameters: the KPIs (forgotten instances) and the findings of
        # one cockpit run share its results.
        key = f"engine:{sel.rule.code}:{sel.params!r}:{sel.severity}:{sel.owner}"
        produced, error = ctx.cached(key, functools.partial(_evaluate, ctx, sel))
        produced = list(produced)
        seconds = time.perf_counter() - start
        findings.extend(produced)
        runs.append(RuleRun(sel.rule.code, sel.rule.name, seconds, len(produced), error))
    return EngineRun(findings, runs)


def _evaluate(ctx: RuleContext, sel: Selected) -> tuple[list[Finding], str | None]:
    try:
        produced, error = _unique(list(sel.rule().evaluate(ctx, sel.params)))
        if error is not None:
            produced.append(_failure(ctx, sel, ValueError(error)))
    except Exception as e:  # turned into an UNKNOWN finding that says why, never hidden
        produced, error = [_failure(ctx, sel, e)], _describe(e)
    for f in produced:
        _override(f, sel)
        f.evidence = _jsonable(f.evidence)
    return produced, error


def _unique(found: list[Finding]) -> tuple[list[Finding], str | None]:
    """Findings with distinct fingerprints; a repeated subject is a bug of the rule, reported as such."""
    seen: set[str] = set()
    out, dup = [], None
    for f in found:
        if f.fingerprint in seen:
            dup = dup or str(rm.RULE_DUPLICATE(subject=f.subject.id))
            continue
        seen.add(f.fingerprint)
        out.append(f)
    return out, dup


def _override(f: Finding, sel: Selected) -> None:
    if sel.severity is not None:
        f.severity = sel.severity
    if sel.owner is not None:
        f.owner = sel.owner


def _describe(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def _failure(ctx: RuleContext, sel: Selected, e: BaseException) -> Finding:
    rule = sel.rule
    frames = traceback.extract_tb(e.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else None
    error = _describe(e)
    return Finding(
        code=rule.code, status=Status.UNKNOWN, severity=rule.severity, domain=rule.domain,
        subject=Subject("rule", rule.code, name=rule.name),
        title=rm.RULE_FAILED_TITLE(code=rule.code, name=rule.name, error=error),
        remediation=rm.RULE_FAILED_FIX(),
        evidence={"error": error, "exception": type(e).__name__, "raised_at": where,
                  "period": {"start": f"{ctx.start}-01", "end": ctx.as_of.isoformat()}})


def _jsonable(value: Any) -> Any:
    """Evidence as plain JSON: dates and times in ISO 8601, numpy scalars and Decimals as numbers."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalar
        return _jsonable(value.item())
    if isinstance(value, Subject):
        return {k: getattr(value, k) for k in value.__slots__}
    return str(value)

