"""Short human-readable forms of extracted values, shared by the review pages, CSV and brat.

A reviewer checks "1.5e7 cells ± 4.5e6" against the sentence faster than a JSON object,
so every view of a record says values the same way.
"""

from __future__ import annotations

from .models import (
    Dose,
    Effect,
    ErrorRecord,
    PValue,
    Route,
    SampleSizeMention,
    TrialRecord,
)


def format_number(value: float) -> str:
    """100 -> "100", 0.052 -> "0.052", 15000000 -> "1.5e7", 1e-5 -> "1e-5"."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6 or magnitude < 1e-4:
        mantissa, _, exponent = f"{value:.12e}".partition("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


def describe_p_value(p: PValue) -> str:
    said = "P ns" if p.comparator == "ns" else f"P {p.comparator} {format_number(p.value)}"
    return f"{said} (threshold)" if p.threshold else said


def describe_sample_size(mention: SampleSizeMention) -> str:
    return f"n = {mention.value} ({mention.role})"


def describe_dose(dose: Dose, with_intervention: bool = True) -> str:
    amount = format_number(dose.value)
    if dose.value_max is not None:
        amount += f"–{format_number(dose.value_max)}"
    said = f"{amount} {dose.unit}"
    if dose.spread is not None:
        said += f" ± {format_number(dose.spread)}"
    if dose.frequency:
        said += f", {dose.frequency}"
    if with_intervention and dose.intervention:
        said += f" ({dose.intervention.text})"
    return said


def describe_route(route: Route) -> str:
    return route.route


def describe_interval(low: float, high: float) -> str:
    """"0.61-0.85", "-5 to -1.2": joined by "-" only where neither end is negative, since
    "-5--1.2" would not read as an interval."""
    joiner = " to " if low < 0 or high < 0 else "-"
    return f"{format_number(low)}{joiner}{format_number(high)}"


def describe_effect(effect: Effect, with_p_value: bool = True) -> str:
    """"HR 0.72 (95% CI 0.61-0.85)", "MD -3.1 (-5 to -1.2)", "OR 1.4"; with the p-value reported
    with it, where the record has one: "HR 0.72 (95% CI 0.61-0.85), P < 0.001"."""
    said = f"{effect.measure} {format_number(effect.value)}"
    if effect.ci_low is not None and effect.ci_high is not None:
        level = "" if effect.ci_level is None else f"{format_number(effect.ci_level * 100)}% CI "
        said += f" ({level}{describe_interval(effect.ci_low, effect.ci_high)})"
    if with_p_value and effect.p_value is not None:
        said += f", {describe_p_value(effect.p_value)}"
    return said


DESCRIBE = {
    "p_values": describe_p_value,
    "sample_sizes": describe_sample_size,
    "doses": describe_dose,
    "routes": describe_route,
    "effects": describe_effect,
}


def describe_mention(field: str, mention) -> str:
    """The value of a mention of a scored field ("p_values", "sample_sizes", "doses", "routes", "effects")."""
    return DESCRIBE[field](mention)


def describe_record(record: TrialRecord | ErrorRecord) -> str:
    """One line for a whole record, e.g. for a log or an index page."""
    if isinstance(record, ErrorRecord):
        return f"error: {record.error}"
    parts = [f"n = {record.sample_size}" if record.sample_size is not None else "n unknown"]
    routes = sorted({r.route for r in record.routes})
    if routes:
        parts.append(", ".join(routes))
    parts.append(f"{len(record.doses)} dose(s), {len(record.p_values)} p-value(s), {len(record.effects)} effect(s)")
    return "; ".join(parts)
