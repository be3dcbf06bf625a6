"""One exception tree for the whole package.

Every class carries the HTTP status and the CLI exit code it maps to, once, here:

    NotAloneError                 base; 500 / exit 3
    ├── InputError                bad input from the caller; 422 / exit 2
    │   ├── MessageTooLarge       a message over the size limit; 413 / exit 2
    │   ├── InvalidEncoding       bytes that are not UTF-8 text; 422 / exit 2
    │   ├── DatasetError          a dataset that is missing or not in its documented form; exit 2
    │   ├── NotFound              no such conversation, report or other record; 404 / exit 2
    │   ├── Conflict              a request that contradicts an earlier one; 409 / exit 2
    │   ├── Unauthorized          no valid credentials or token; 401 / exit 2
    │   └── Forbidden             the account's role may not do this; 403 / exit 2
    ├── ConfigError               a setting that cannot work (a bad database URL); 500 / exit 3
    ├── EvidenceIntegrityError    a stored evidence file that no longer matches its digest; 500
    ├── RulePackError             a rule pack that does not validate; 500 / exit 3
    ├── PluginError               a detector plugin that does not validate; 500 / exit 3
    └── ArtifactError             a shipped model file that fails its manifest check; 500 / exit 3

Messages say what went wrong and what to do, and never quote a child's message text.
"""

from __future__ import annotations


class NotAloneError(Exception):
    code = "internal_error"
    http_status = 500
    exit_code = 3

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InputError(NotAloneError):
    code = "invalid_input"
    http_status = 422
    exit_code = 2


class MessageTooLarge(InputError):
    code = "message_too_large"
    http_status = 413


class InvalidEncoding(InputError):
    code = "invalid_encoding"


class DatasetError(InputError):
    code = "dataset_invalid"


class NotFound(InputError):
    code = "not_found"
    http_status = 404


class Conflict(InputError):
    code = "conflict"
    http_status = 409


class Unauthorized(InputError):
    code = "unauthorized"
    http_status = 401


class Forbidden(InputError):
    code = "forbidden"
    http_status = 403


class EvidenceIntegrityError(NotAloneError):
    code = "evidence_integrity"


class ConfigError(NotAloneError):
    code = "configuration_error"


class RulePackError(NotAloneError):
    code = "rule_pack_invalid"


class PluginError(NotAloneError):
    code = "plugin_invalid"


class ArtifactError(NotAloneError):
    code = "artifact_invalid"
