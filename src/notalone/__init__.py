"""NotAlone: child online safety for Vietnamese and English messages.

>>> from notalone import analyze
>>> analyze("Anh là công an, em liên quan vụ rửa tiền, không được nói với bố mẹ").severity
<Severity.HIGH: 'high'>
"""

__version__ = "0.1.0"

from notalone.detection import (
    Conversation,
    ConversationAssessment,
    Engine,
    Message,
    Participant,
    analyze,
)
from notalone.detection.types import Assessment
from notalone.taxonomy import CATEGORY_IDS, Severity

__all__ = [
    "CATEGORY_IDS",
    "Assessment",
    "Conversation",
    "ConversationAssessment",
    "Engine",
    "Message",
    "Participant",
    "Severity",
    "__version__",
    "analyze",
]
