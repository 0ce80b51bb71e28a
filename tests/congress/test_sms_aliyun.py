"""The production SMS backend (Alibaba Cloud SendSms) against a local HTTP server standing in for
the provider: the request it sends (signature, template, parameters) and how it takes the
provider's error answers (Code other than OK, HTTP 500, a timeout, a refused key)."""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import urllib.parse

import pytest

from congress.notices import sms

SECRET = "test-secret-不要外传"


def documented_signature(params: dict[str, str], secret: str) -> str:
    """The signature as Alibaba Cloud's RPC documentation spells it, written out separately."""

    def enc(value):
        return urllib.parse.quote(value, safe="~").replace("/", "%2F")

    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "GET&%2F&" + enc(query)
    return base64.b64encode(
        hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    ).decode()


def test_the_signature_matches_the_providers_documented_example():
    # The SendSms example of Alibaba Cloud's documentation (key testId, secret testSecret).
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert sms.signature(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


class Provider(http.server.BaseHTTPRequestHandler):
    answer: tuple[int, dict | str] = (200, {})
    requests: list[dict[str, str]] = []
    hang = threading.Event()

    def do_GET(self):  # noqa: N802 (http.server's name)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        Provider.requests.append(query)
        status, body = Provider.answer
        if body == "hang":
            Provider.hang.wait(3)
            return
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def provider():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Provider.requests = []
    Provider.hang.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    Provider.hang.set()
    server.shutdown()
    server.server_close()


def backend(endpoint, **overrides):
    config = {
        "ACCESS_KEY_ID": "LTAI-test-id",
        "ACCESS_KEY_SECRET": SECRET,
        "SIGN_NAME": "平湖人大",
        "ENDPOINT": endpoint,
        "TIMEOUT": 0.5,
        "TEMPLATES": {"reply_published": "SMS_200000001"},
        **overrides,
    }
    return sms.AliyunBackend(config)


TEXT = sms.Text(
    phone="13912345678",
    event="reply_published",
    text="您的建议 JY2022001 已答复，请评价。",
    params={"code": "JY2022001", "link": "https://rd.example.cn/n/Ab3dEf6hIj9k/"},
)


def test_a_text_is_sent_signed_with_its_events_template_and_parameters(provider):
    Provider.answer = (200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"})
    assert backend(provider).send(TEXT) == "900619746936498440^0"
    (query,) = Provider.requests
    signature = query.pop("Signature")
    assert signature == documented_signature(query, SECRET)
    assert query["Action"] == "SendSms" and query["Version"] == "2017-05-25"
    assert query["SignatureMethod"] == "HMAC-SHA1" and query["SignatureVersion"] == "1.0"
    assert query["AccessKeyId"] == "LTAI-test-id" and query["SignName"] == "平湖人大"
    assert query["PhoneNumbers"] == "13912345678"
    assert query["TemplateCode"] == "SMS_200000001"
    assert json.loads(query["TemplateParam"]) == TEXT.params
    assert query["Timestamp"].endswith("Z") and len(query["SignatureNonce"]) == 32


def test_a_tampered_request_would_not_verify(provider):
    Provider.answer = (200, {"Code": "OK", "BizId": "1"})
    backend(provider).send(TEXT)
    (query,) = Provider.requests
    signature = query.pop("Signature")
    query["PhoneNumbers"] = "13800000000"
    assert signature != documented_signature(query, SECRET)


@pytest.mark.parametrize(
    ("answer", "code", "retry"),
    [
        ((200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}), "isv.BUSINESS_LIMIT_CONTROL", False),
        ((200, {"Code": "isp.SYSTEM_ERROR", "Message": "系统错误"}), "isp.SYSTEM_ERROR", True),
        ((500, {"Message": "internal"}), "http_500", True),
        ((400, {"Code": "SignatureDoesNotMatch"}), "SignatureDoesNotMatch", False),
        ((200, "a string, not an answer"), "bad_answer", True),
    ],
)  # fmt: skip
def test_the_providers_error_answers_become_a_loggable_code(provider, answer, code, retry):
    Provider.answer = answer
    with pytest.raises(sms.SmsError) as raised:
        backend(provider).send(TEXT)
    assert (raised.value.code, raised.value.retry) == (code, retry)
    assert "13912345678" not in str(raised.value) and "评价" not in str(raised.value)


def test_a_provider_that_does_not_answer_is_a_timeout(provider):
    Provider.answer = (200, "hang")
    with pytest.raises(sms.SmsError) as raised:
        backend(provider).send(TEXT)
    assert raised.value.code == "timeout" and raised.value.retry


def test_an_unreachable_provider_and_a_missing_template_are_codes_too():
    with pytest.raises(sms.SmsError) as raised:
        backend("http://127.0.0.1:9").send(TEXT)
    assert raised.value.code in ("unreachable", "timeout")
    no_template = sms.Text(phone="13912345678", event="deadline_near", text="…")
    with pytest.raises(sms.SmsError) as raised:
        backend("http://127.0.0.1:9").send(no_template)
    assert (raised.value.code, raised.value.retry) == ("no_template", False)


def test_the_backend_is_configured_from_the_environment(monkeypatch):
    import importlib

    from congress import settings as project_settings

    monkeypatch.setenv("SMS_ACCESS_KEY_ID", "LTAI-env")
    monkeypatch.setenv("SMS_TEMPLATE_REPLY_PUBLISHED", "SMS_123")
    monkeypatch.setenv("SMS_ENDPOINT", "http://127.0.0.1:8999")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.SMS_ALIYUN["ACCESS_KEY_ID"] == "LTAI-env"
        assert reloaded.SMS_ALIYUN["ENDPOINT"] == "http://127.0.0.1:8999"
        assert reloaded.SMS_ALIYUN["TEMPLATES"]["reply_published"] == "SMS_123"
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
