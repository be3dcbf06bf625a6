"""An alert as an email to the guardian, in the subscription's language: the same content as
the webhook's event (nothing a child wrote below ``redacted_excerpt``)."""

from __future__ import annotations

import json
from email.message import EmailMessage

_TEXT = {
    "vi": {
        "subject": "NotAlone: cảnh báo an toàn về tài khoản của con bạn",
        "intro": "Phát hiện một rủi ro nghiêm trọng với tài khoản {child} trên {platform}.",
        "severity": "Mức độ",
        "categories": "Loại rủi ro",
        "summary": "Chuyện gì đang xảy ra",
        "stages": "Các giai đoạn đã thấy",
        "excerpts": "Trích đoạn (đã che thông tin cá nhân)",
        "evidence": "Bằng chứng đầy đủ",
        "actions": "Việc nên làm ngay",
        "helplines": "Đường dây hỗ trợ",
        "code": "Mã hồ sơ khi liên hệ đường dây {name}: {code}",
        "why": "Vì sao bạn nhận được mức thông tin này",
        "levels": {"low": "thấp", "medium": "trung bình", "high": "cao", "critical": "khẩn cấp"},
    },
    "en": {
        "subject": "NotAlone: a safety alert about your child's account",
        "intro": "A serious risk was detected for the account {child} on {platform}.",
        "severity": "Severity",
        "categories": "Risks",
        "summary": "What is happening",
        "stages": "Stages seen",
        "excerpts": "Excerpts (personal details hidden)",
        "evidence": "Full evidence",
        "actions": "What to do now",
        "helplines": "Helplines",
        "code": "Report code to give helpline {name}: {code}",
        "why": "Why you see this much",
        "levels": {"low": "low", "medium": "medium", "high": "high", "critical": "critical"},
    },
}


def compose(body: bytes, *, to: str, sender: str, language: str) -> EmailMessage:
    """The email for a stored CloudEvent ``body`` (its ``data`` is the alert)."""
    event = json.loads(body)
    data = event["data"]
    t = _TEXT["vi" if language == "vi" else "en"]
    lines = [
        t["intro"].format(child=data["child_user"], platform=data["platform"]),
        "",
        f"{t['severity']}: {t['levels'].get(data['severity'], data['severity'])}",
        f"{t['categories']}: {', '.join(c['name'] for c in data['categories'])}",
    ]
    if summary := data.get("summary"):
        lines += ["", f"{t['summary']}:"]
        lines += [f"- {e['explanation']}" for e in summary["explanations"]]
        if summary["stages"]:
            lines.append(f"{t['stages']}: " + " → ".join(s["name"] for s in summary["stages"]))
    if excerpts := data.get("excerpts"):
        lines += ["", f"{t['excerpts']}:"] + [f'- "{x}"' for x in excerpts]
    if evidence := data.get("evidence"):
        lines += ["", f"{t['evidence']}:"] + [f"- {m['text']}" for m in evidence]
    lines += ["", f"{t['actions']}:"] + [f"- {a}" for a in data["recommended_actions"]]
    lines += ["", f"{t['helplines']}:"]
    for h in data["helplines"]:
        reach = " · ".join(x for x in (h.get("phone"), h.get("url")) if x)
        lines.append(f"- {h['name']} ({reach})" if reach else f"- {h['name']}")
    if data.get("helpline"):
        lines += ["", t["code"].format(name=data["helpline"]["name"], code=data["report_code"])]
    lines += ["", f"{t['why']}: {data['disclosure_reason']}", f"ID: {event['id']}"]
    message = EmailMessage()
    message["Subject"] = t["subject"]
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = f"<{event['id']}@notalone>"
    message.set_content("\n".join(lines))
    return message
