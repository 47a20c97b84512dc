#!/usr/bin/python3
"""Local stand-in for the notification service's remote parties, for tests and tools/run.

One HTTP server playing
  * the SMS provider (Alibaba Cloud Dysmsapi shaped: form-encoded POST /, signature v1,
    SendSms and QuerySendDetails), rendering the text the phone would show from the templates
    file. Like the real one, every SendSms it accepts is a new message, whatever its OutId
    (--dedupe-out-id: a repeated OutId is answered with its first BizId and nothing is sent);
    QuerySendDetails without a BizId lists the number's messages of a day, page by page, and
  * the staff chat robot (WeCom group robot shaped: POST /webhook/<name>),
plus control endpoints for tests under /__ on the same port. Accepted messages are appended as
JSON lines to STATE_DIR/sms.jsonl and STATE_DIR/webhook.jsonl.

Python standard library only; run with /usr/bin/python3.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The provider reports times in Beijing time; a fixed offset needs no tz database.
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
VARIABLE = re.compile(r"\{([A-Za-z0-9_]+)\}")
PHONE = re.compile(r"^1\d{10}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
COMMON_PARAMS = ("AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod",
                 "SignatureNonce", "SignatureVersion", "Timestamp", "Version", "Signature")
ACTION_PARAMS = {
    # OutId is optional at the real provider; without it there is nothing to deduplicate by.
    "SendSms": ("PhoneNumbers", "SignName", "TemplateCode"),
    # BizId is optional: without it, every message to the number on that day, page by page.
    "QuerySendDetails": ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"),
}
MAX_PAGE_SIZE = 50
SEND_DATE = re.compile(r"^\d{8}$")
WECOM_TEXT_LIMIT = 2048  # bytes of UTF-8: the robot refuses longer text messages


def percent_encode(value):
    """RFC 3986 encoding of the UTF-8 bytes: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return urllib.parse.quote(value.encode("utf-8"), safe="~")


def signature_v1(params, secret):
    """The provider's HMAC-SHA1 signature of every parameter but Signature (signature v1)."""
    canonical = "&".join(percent_encode(k) + "=" + percent_encode(v)
                         for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = "POST&" + percent_encode("/") + "&" + percent_encode(canonical)
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode(), string_to_sign


def load_sms_templates(path):
    """provider_template -> text of every [<kind>.sms] section of the templates file."""
    templates, section, entry = {}, None, {}

    def finish():
        if section and section.endswith(".sms") and "provider_template" in entry:
            templates[entry["provider_template"]] = entry.get("text", "")

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                finish()
                section, entry = line[1:-1].strip(), {}
            elif "=" in line:
                key, value = line.split("=", 1)
                entry[key.strip()] = value.strip().replace("\\n", "\n")
    finish()
    return templates


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(at):
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class State:
    """Everything the server remembers; one lock, as requests arrive on many threads."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.messages = []          # accepted SMS records, in order
        self.webhooks = []          # accepted robot messages, in order
        self.by_out_id = {}         # OutId -> its first record: repeats are counted by it
        self.nonces = set()         # the provider refuses a SignatureNonce seen before
        # duplicates: SendSms accepted with an OutId accepted before (sent again, or with
        # --dedupe-out-id answered with the first BizId).
        self.stats = {"send_requests": 0, "duplicates": 0, "failed_on_purpose": 0,
                      "signature_failures": 0}
        self.fail_next = 0
        self.fail_until_cleared = False
        self.fail_status = 500
        self.fail_code = "ServiceUnavailable"
        self.delay_ms = 0
        self.receipt = "delivered"
        self.sms_log = os.path.join(args.state_dir, "sms.jsonl")
        self.webhook_log = os.path.join(args.state_dir, "webhook.jsonl")
        # A restarted provider still knows what it accepted, and which OutIds it has seen.
        for record in self._read(self.sms_log):
            self.messages.append(record)
            if record.get("out_id"):
                self.by_out_id.setdefault(record["out_id"], record)
        self.webhooks = self._read(self.webhook_log)

    @staticmethod
    def _read(path):
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    @staticmethod
    def append(path, record):
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open, as libcurl expects; every answer sets Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "TousuProviderStandIn/1"

    @property
    def state(self):
        return self.server.state

    def answer(self, status, body):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def delay(self):
        with self.state.lock:
            delay_ms = self.state.delay_ms
        if delay_ms:
            time.sleep(delay_ms / 1000)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        with self.state.lock:
            views = {"/__messages": list(self.state.messages),
                     "/__webhooks": list(self.state.webhooks),
                     "/__stats": dict(self.state.stats)}
        if path in views:
            self.answer(200, views[path])
        else:
            self.answer(404, {"Code": "NotFound"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.body()
        if path == "/__control":
            self.control(body)
        elif path.startswith("/webhook/") and len(path) > len("/webhook/"):
            self.delay()
            self.webhook(path[len("/webhook/"):], body)
        elif path == "/":
            self.delay()
            self.provider(body)
        else:
            self.answer(404, {"Code": "NotFound"})

    # ---- control (tests only) ----

    def control(self, body):
        try:
            order = json.loads(body or b"{}")
        except ValueError:
            return self.answer(400, {"error": "control body must be JSON"})
        s = self.state
        with s.lock:
            if order.get("clear"):  # back to a healthy provider; records and receipt mode stay
                s.fail_next, s.fail_until_cleared, s.delay_ms = 0, False, 0
            if "fail_next" in order:
                s.fail_next = int(order["fail_next"])
            if "fail_until_cleared" in order:
                s.fail_until_cleared = bool(order["fail_until_cleared"])
            if "fail_status" in order:
                s.fail_status = int(order["fail_status"])
            if "fail_code" in order:  # e.g. status 200 with isv.BUSINESS_LIMIT_CONTROL
                s.fail_code = str(order["fail_code"])
            if "delay_ms" in order:
                s.delay_ms = int(order["delay_ms"])
            if "receipt" in order:
                if order["receipt"] not in ("delivered", "failed", "waiting"):
                    return self.answer(400, {"error": "receipt: delivered, failed or waiting"})
                s.receipt = order["receipt"]
        self.answer(200, {"ok": True})

    # ---- staff chat robot ----

    def webhook(self, name, body):
        try:
            message = json.loads(body.decode("utf-8"))
        except ValueError:
            return self.answer(200, {"errcode": 40035, "errmsg": "invalid parameter"})
        if not isinstance(message, dict) or message.get("msgtype") != "text":
            return self.answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        text = message.get("text")
        content = text.get("content") if isinstance(text, dict) else None
        if not isinstance(content, str) or not content:
            return self.answer(200, {"errcode": 44004, "errmsg": "text content is empty"})
        if len(content.encode("utf-8")) > WECOM_TEXT_LIMIT:
            return self.answer(200, {"errcode": 40058, "errmsg": "content exceed max length"})
        record = {"name": name, "content": content, "received_at": iso(now_utc())}
        with self.state.lock:
            self.state.webhooks.append(record)
            State.append(self.state.webhook_log, record)
        self.answer(200, {"errcode": 0, "errmsg": "ok"})

    # ---- SMS provider ----

    def provider(self, body):
        request_id = str(uuid.uuid4()).upper()
        try:
            params = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                                 strict_parsing=bool(body)))
        except (UnicodeDecodeError, ValueError):
            return self.answer(400, {"Code": "MissingParameter", "Message": "unreadable form body",
                                     "RequestId": request_id})
        action = params.get("Action")
        s = self.state
        failure = None
        with s.lock:
            if action == "SendSms":
                s.stats["send_requests"] += 1
                # The provider "being down": answered before anything is checked or sent.
                if s.fail_until_cleared or s.fail_next > 0:
                    s.fail_next = max(0, s.fail_next - 1)
                    s.stats["failed_on_purpose"] += 1
                    failure = (s.fail_status, s.fail_code)
        if failure:
            return self.answer(failure[0], {"Code": failure[1],
                                            "Message": "failing on purpose (test)",
                                            "RequestId": request_id})
        missing = [p for p in COMMON_PARAMS + ACTION_PARAMS.get(action, ()) if not params.get(p)]
        if action not in ACTION_PARAMS or missing:
            return self.answer(400, {"Code": "MissingParameter",
                                     "Message": "missing or unknown: " + ", ".join(
                                         missing or ["Action"]),
                                     "RequestId": request_id})
        if params["AccessKeyId"] != s.args.access_key_id:
            return self.answer(400, {"Code": "InvalidAccessKeyId.NotFound",
                                     "Message": "Specified access key is not found.",
                                     "RequestId": request_id})
        expected, string_to_sign = signature_v1(params, s.args.access_key_secret)
        if (params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0"
                or not hmac.compare_digest(expected, params["Signature"])):
            with s.lock:
                s.stats["signature_failures"] += 1
            return self.answer(400, {"Code": "SignatureDoesNotMatch",
                                     "Message": "Specified signature is not matched with our "
                                                "calculation. server string to sign is:"
                                                + string_to_sign,
                                     "RequestId": request_id})
        if not TIMESTAMP.match(params["Timestamp"]):
            return self.answer(400, {"Code": "InvalidTimeStamp.Format",
                                     "Message": "Timestamp must be yyyy-MM-ddTHH:mm:ssZ",
                                     "RequestId": request_id})
        with s.lock:
            # "random unique": a retry must sign afresh, as the real provider refuses replays.
            replayed = params["SignatureNonce"] in s.nonces
            s.nonces.add(params["SignatureNonce"])
        if replayed:
            return self.answer(400, {"Code": "SignatureNonceUsed",
                                     "Message": "Specified signature nonce was used already.",
                                     "RequestId": request_id})
        if action == "SendSms":
            self.send_sms(params, request_id)
        else:
            self.query_send_details(params, request_id)

    def send_sms(self, params, request_id):
        s = self.state
        out_id = params.get("OutId", "")

        def accepted(biz_id):
            self.answer(200, {"Code": "OK", "Message": "OK", "RequestId": request_id,
                              "BizId": biz_id})

        def refuse(code, message):
            self.answer(200, {"Code": code, "Message": message, "RequestId": request_id})

        def earlier_biz_id():  # call with the lock held
            if s.args.dedupe_out_id and out_id and out_id in s.by_out_id:
                s.stats["duplicates"] += 1
                return s.by_out_id[out_id]["biz_id"]
            return None

        with s.lock:
            biz_id = earlier_biz_id()
        if biz_id:
            return accepted(biz_id)  # nothing is sent again

        phone = params["PhoneNumbers"]
        if not PHONE.match(phone):
            return refuse("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number")
        # Read on every send: the file is small, and edits take effect without a restart.
        template = load_sms_templates(s.args.templates).get(params["TemplateCode"])
        if template is None:
            return refuse("isv.SMS_TEMPLATE_ILLEGAL", "template code not found")
        try:
            values = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return refuse("isv.INVALID_JSON_PARAM", "TemplateParam is not JSON")
        if not isinstance(values, dict):
            return refuse("isv.INVALID_JSON_PARAM", "TemplateParam is not a JSON object")
        missing = sorted({v for v in VARIABLE.findall(template) if v not in values})
        if missing:
            return refuse("isv.TEMPLATE_MISSING_PARAMETERS", "missing: " + ", ".join(missing))
        text = VARIABLE.sub(lambda m: str(values[m.group(1)]), template)
        with s.lock:
            biz_id = earlier_biz_id()  # the same OutId may have raced in meanwhile
            if not biz_id:
                # Shaped like the provider's ids ("<digits>^0"): a caller must percent-encode it.
                biz_id = "%d%06d^0" % (int(time.time()), len(s.messages) + 1)
                record = {"out_id": out_id, "biz_id": biz_id, "phone": phone,
                          "sign_name": params["SignName"],
                          "template_code": params["TemplateCode"], "params": values,
                          "text": "【%s】%s" % (params["SignName"], text),
                          "received_at": iso(now_utc())}
                s.messages.append(record)
                if out_id in s.by_out_id:
                    s.stats["duplicates"] += 1  # the same message once more
                elif out_id:
                    s.by_out_id[out_id] = record
                State.append(s.sms_log, record)
        accepted(biz_id)

    def query_send_details(self, params, request_id):
        s = self.state
        try:
            page_size, page = int(params["PageSize"]), int(params["CurrentPage"])
        except ValueError:
            page_size = page = 0
        if not 1 <= page_size <= MAX_PAGE_SIZE or page < 1 or not SEND_DATE.match(
                params["SendDate"]):
            return self.answer(400, {"Code": "InvalidParameter",
                                     "Message": "PageSize 1 to %d, CurrentPage from 1, SendDate "
                                                "yyyyMMdd" % MAX_PAGE_SIZE,
                                     "RequestId": request_id})
        biz_id = params.get("BizId")
        with s.lock:
            found = []
            for m in s.messages:
                sent = datetime.datetime.fromisoformat(m["received_at"].replace("Z", "+00:00"))
                if (m["phone"] == params["PhoneNumber"] and (not biz_id or m["biz_id"] == biz_id)
                        and sent.astimezone(BEIJING).strftime("%Y%m%d") == params["SendDate"]):
                    found.append((m, sent))
            receipt = s.receipt
        details = []
        for m, sent in found[(page - 1) * page_size:page * page_size]:
            status, err_code = {"delivered": (3, "DELIVERED"), "failed": (2, "UNDELIV"),
                                "waiting": (1, "")}[receipt]
            received = (sent + datetime.timedelta(seconds=2)).astimezone(BEIJING)
            # As the provider's SmsSendDetailDTO: the OutId, but no BizId.
            details.append({
                "PhoneNum": m["phone"], "SendStatus": status, "ErrCode": err_code,
                "TemplateCode": m["template_code"], "Content": m["text"],
                "SendDate": sent.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
                "ReceiveDate": received.strftime("%Y-%m-%d %H:%M:%S") if status != 1 else "",
                "OutId": m["out_id"]})
        self.answer(200, {"Code": "OK", "Message": "OK", "RequestId": request_id,
                          "TotalCount": len(found),
                          "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free one, printed")
    parser.add_argument("--port-file", help="the bound port is written here once listening")
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--access-key-id", required=True)
    secret = parser.add_mutually_exclusive_group(required=True)
    secret.add_argument("--access-key-secret")
    secret.add_argument("--access-key-secret-file", help="a file holding the secret")
    parser.add_argument("--templates", required=True, help="deploy/notification/templates.txt")
    parser.add_argument("--dedupe-out-id", action="store_true",
                        help="answer a repeated OutId with its first BizId and send nothing "
                             "(the real provider sends it again)")
    args = parser.parse_args()
    if args.access_key_secret_file:
        with open(args.access_key_secret_file, encoding="utf-8") as f:
            args.access_key_secret = f.read().strip()
    # Fail at start, not on the first message, when the templates cannot be read.
    if not load_sms_templates(args.templates):
        sys.exit("no [<kind>.sms] template with a provider_template in " + args.templates)
    os.makedirs(args.state_dir, exist_ok=True)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    port = server.server_address[1]
    print(port, flush=True)
    if args.port_file:  # renamed into place, so a reader never sees a half-written file
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
