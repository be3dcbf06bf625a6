"""A case leaves the helpline in two forms: NCMEC CyberTipline-style XML (the vocabulary US
platforms and Coop already produce) and a printable police referral in Vietnamese. Both carry
the reports' text with personal details redacted (phone numbers, e-mail addresses, ID and
account numbers, street addresses): a referral needs what happened, not the child's number.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime

from notalone.cases.models import Case
from notalone.db import as_utc
from notalone.taxonomy import BY_ID

_REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (
        re.compile(r"(?<!\w)(?:\+84|0084|\+1|\+44)?[\s.-]?(?:\d[\s.-]?){9,11}(?!\w)"),
        "[số / number]",
    ),
    (re.compile(r"(?<!\w)\d{6,}(?!\w)"), "[số / number]"),  # ID, account, card numbers
    (
        re.compile(
            r"(?i)\b(?:số nhà|so nha|ngõ|ngo|ngách|ngach|hẻm|hem|kiệt|kiet|tổ|thôn|xóm)"
            r"\s+\d+[\w/-]*"
        ),
        "[địa chỉ]",
    ),
    (
        re.compile(r"(?i)\b\d+\s+(?:\w+\s+){0,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive)\b"),
        "[address]",
    ),
]

_INCIDENT = {
    "grooming": "Online Enticement of Children for Sexual Acts",
    "sexual_content": "Online Enticement of Children for Sexual Acts",
    "sextortion": "Online Enticement of Children for Sexual Acts",
}
_OTHER_INCIDENT = "Misleading Words or Digital Images on the Internet"
_PURGED = "<i>(nội dung đã được xoá theo thời hạn lưu trữ)</i>"


def redact(text: str | None) -> str:
    """``text`` with personal details replaced by placeholders ("" when purged)."""
    if not text:
        return ""
    for pattern, placeholder in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text


def ncmec_xml(case: Case, *, now: datetime) -> str:
    """A CyberTipline-style ``<report>`` (NCMEC's element names; to be reviewed and sent by
    a person, never automatically)."""
    report = ET.Element("report")
    summary = ET.SubElement(report, "incidentSummary")
    categories = set(case.categories)
    incident = next((_INCIDENT[c] for c in case.categories if c in _INCIDENT), _OTHER_INCIDENT)
    ET.SubElement(summary, "incidentType").text = incident
    ET.SubElement(summary, "escalateToHighPriority").text = (
        "true" if case.severity in ("high", "critical") else "false"
    )
    annotations = ET.SubElement(summary, "reportAnnotations")
    if "sextortion" in categories:
        ET.SubElement(annotations, "sextortion")
    if categories & {"sexual_content", "grooming"}:
        ET.SubElement(annotations, "csamSolicitation")
    if not categories & set(_INCIDENT):
        ET.SubElement(annotations, "informational")
    first = min((as_utc(r.received_at) for r in case.reports), default=as_utc(case.opened_at))
    ET.SubElement(summary, "incidentDateTime").text = first.isoformat()
    for r in case.reports:
        details = ET.SubElement(report, "internetDetails")
        chat = ET.SubElement(details, "chatImIncident")
        platform = r.platform or {}
        ET.SubElement(chat, "chatClient").text = str(platform.get("platform", "unknown"))
        lines = [redact(r.text)]
        for m in (r.conversation or {}).get("messages", []):
            lines.append(f"{m.get('sender', '?')}: {redact(m.get('text'))}")
        ET.SubElement(chat, "content").text = "\n".join(line for line in lines if line)
    for user in sorted({r.reported_user for r in case.reports if r.reported_user}):
        person = ET.SubElement(report, "personOrUserReported")
        ET.SubElement(person, "espIdentifier").text = user
    info = ET.SubElement(report, "additionalInfo")
    info.text = (
        f"NotAlone case {case.id}; severity {case.severity}; categories "
        f"{', '.join(case.categories) or 'none'}; exported {as_utc(now).isoformat()}. "
        "Personal details redacted."
    )
    ET.indent(report)
    return ET.tostring(report, encoding="unicode", xml_declaration=True) + "\n"


def police_referral(case: Case, *, now: datetime) -> str:
    """A printable referral (HTML, Vietnamese) for the police: what happened, when, how
    severe, the case's history; personal details redacted."""
    esc = html.escape
    labels = ", ".join(BY_ID[c].label_vi for c in case.categories if c in BY_ID) or "không rõ"
    rows = []
    for r in case.reports:
        chat = "".join(
            f"<li><b>{esc(str(m.get('sender', '?')))}</b>: {esc(redact(m.get('text')))}</li>"
            for m in (r.conversation or {}).get("messages", [])
        )
        when = esc(as_utc(r.received_at).strftime("%H:%M %d/%m/%Y"))
        body = esc(redact(r.text)) or _PURGED
        listed = f"<ul>{chat}</ul>" if chat else ""
        rows.append(f"<section><h3>Tin báo lúc {when} UTC</h3><p>{body}</p>{listed}</section>")
    history = "".join(
        f"<li>{esc(as_utc(e.at).strftime('%H:%M %d/%m/%Y'))}: {esc(e.action)}</li>"
        for e in case.events
        if e.action in ("opened", "status_changed", "report_added", "severity_raised")
    )
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>Chuyển tin báo {esc(case.id)}</title>"
        "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}"
        "section{border-top:1px solid #ccc}</style></head><body>"
        "<h1>Phiếu chuyển tin báo tới cơ quan công an</h1>"
        f"<p>Mã hồ sơ: <b>{esc(case.id)}</b><br>Mức độ nguy hiểm: <b>{esc(case.severity)}</b>"
        f"<br>Loại rủi ro: {esc(labels)}<br>Trạng thái: {esc(case.status)}"
        f"<br>Lập lúc: {esc(as_utc(now).strftime('%H:%M %d/%m/%Y'))} UTC</p>"
        "<p><i>Thông tin cá nhân (số điện thoại, email, số giấy tờ, địa chỉ) đã được che.</i>"
        "</p>" + "".join(rows) + f"<h2>Diễn biến hồ sơ</h2><ul>{history}</ul>"
        "<p>Tổng đài quốc gia bảo vệ trẻ em 111 — miễn phí, 24/7.</p></body></html>\n"
    )
