"""Text messages: one backend chosen in settings (`SMS_BACKEND`, a dotted path), as for mail.

- `ConsoleBackend`: prints the text (the number masked) — a development run.
- `LocmemBackend`: keeps the texts in `outbox` — the tests.
- `AliyunBackend`: Alibaba Cloud SMS (阿里云短信), the SendSms API — production. Configured by
  environment variables (README, "Configuration"): SMS_ACCESS_KEY_ID, SMS_ACCESS_KEY_SECRET,
  SMS_SIGN_NAME, SMS_ENDPOINT and one SMS_TEMPLATE_<EVENT> template code per event.

A backend's `send()` returns the provider's message id or raises `SmsError` with a short code
(the provider's error code, "http_500", "timeout"): never the number or the text, so that the
code can go into the delivery log and the server log as it is.

Why not Alibaba's SDK (alibabacloud-dysmsapi20170525): it brings the Tea/Darabonba runtime and
half a dozen packages (credentials, gateway SPI, an async HTTP client) for one GET request, and
its default signing changed between major versions. The RPC signature of SendSms is documented
and stable (HMAC-SHA1 over the canonicalised query, Version 2017-05-25), short enough to read
here, and tested against a local server that checks it.
"""

import base64
import datetime
import hashlib
import hmac
import json
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """A text not sent. `code` is safe to log; `retry` says whether another try may succeed."""

    def __init__(self, code: str, *, retry: bool = True):
        super().__init__(code)
        self.code = code[:100]
        self.retry = retry


@dataclass
class Text:
    phone: str
    event: str
    text: str
    params: dict[str, str] = field(default_factory=dict)


class BaseBackend:
    def send(self, text: Text) -> str:
        raise NotImplementedError


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


class ConsoleBackend(BaseBackend):
    """Development: the text on standard output, the number masked."""

    def send(self, text: Text) -> str:
        sys.stdout.write(f"SMS to {masked(text.phone)} [{text.event}]: {text.text}\n")
        sys.stdout.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


outbox: list[Text] = []


class LocmemBackend(BaseBackend):
    """Tests: every text kept in `congress.notices.sms.outbox`."""

    def send(self, text: Text) -> str:
        outbox.append(text)
        return f"locmem-{len(outbox)}"


def percent(value: str) -> str:
    """Alibaba Cloud's percent-encoding (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay)."""
    return urllib.parse.quote(value, safe="-_.~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(params.items()))


def signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """The RPC signature: HMAC-SHA1 with key `secret&` over METHOD&%2F&percent(query)."""
    to_sign = f"{method}&{percent('/')}&{percent(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunBackend(BaseBackend):
    """Alibaba Cloud SMS, SendSms (RPC style, Version 2017-05-25), over HTTPS with urllib."""

    VERSION = "2017-05-25"

    def __init__(self, config: dict[str, Any] | None = None):
        self.config: dict[str, Any] = config or settings.SMS_ALIYUN

    def request_params(self, text: Text) -> dict[str, str]:
        templates = self.config.get("TEMPLATES", {})
        template = templates.get(text.event)
        if not template:
            raise SmsError("no_template", retry=False)
        return {
            "AccessKeyId": self.config["ACCESS_KEY_ID"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": text.phone,
            "RegionId": self.config.get("REGION", "cn-hangzhou"),
            "SignName": self.config["SIGN_NAME"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(text.params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": self.VERSION,
        }

    def send(self, text: Text) -> str:
        params = self.request_params(text)
        sign = signature(params, self.config["ACCESS_KEY_SECRET"])
        endpoint = self.config.get("ENDPOINT") or "https://dysmsapi.aliyuncs.com"
        if not endpoint.startswith(("https://", "http://")):
            raise SmsError("bad_endpoint", retry=False)
        url = f"{endpoint.rstrip('/')}/?Signature={percent(sign)}&{canonical_query(params)}"
        timeout = self.config.get("TIMEOUT", 5)
        try:
            # The endpoint is a setting, checked to be http(s) above.
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            # 4xx answers carry the reason as JSON (a bad signature, a throttled key).
            code = _answer_code(error.read()) or f"http_{error.code}"
            raise SmsError(code, retry=error.code >= 500) from None
        except TimeoutError:
            raise SmsError("timeout") from None
        except urllib.error.URLError as error:
            is_timeout = isinstance(error.reason, TimeoutError | socket.timeout)
            raise SmsError("timeout" if is_timeout else "unreachable") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise SmsError("bad_answer") from None
        if not isinstance(answer, dict):
            raise SmsError("bad_answer")
        if answer.get("Code") != "OK":
            code = str(answer.get("Code") or "bad_answer")
            # isv.* are the caller's mistakes (a bad number, a template): trying again won't help.
            raise SmsError(code, retry=not code.startswith("isv."))
        return str(answer.get("BizId") or answer.get("RequestId") or "")


def _answer_code(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("Code") or "")
    except (ValueError, AttributeError):
        return ""


def backend() -> BaseBackend:
    """The backend `settings.SMS_BACKEND` names (made per use: a test may change the setting)."""
    return import_string(settings.SMS_BACKEND)()
