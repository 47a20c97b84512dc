#!/usr/bin/env bash
# The notification service's local stand-ins play their parts as its contract describes: the SMS
# provider (signature v1, SendSms sending a repeated OutId again as the real one does or, with
# --dedupe-out-id, answering it with the first BizId, failures on request, QuerySendDetails by
# BizId and by day), the staff chat robot and the mail server, started and stopped through
# tools/lib.sh.
#   provider_standin_test.sh SOURCE_DIR
# Requests are signed here by a signer of its own, not the stand-in's code.
set -uo pipefail
src="$1"
source "$src/tools/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/tousu-notify-standins.XXXXXX")
dedupe_pid=
trap '[ -n "$dedupe_pid" ] && kill "$dedupe_pid"; notification_sinks_stop; rm -rf "$work"' EXIT
problems=0
problem() { echo "FAIL: $*"; problems=$((problems + 1)); }
# expect WHAT GOT WANTED
expect() { [ "$2" = "$3" ] && echo "ok: $1" || problem "$1: got '$2', wanted '$3'"; }

notification_sinks_start "$work/sinks" "$src/tests/support/notification_templates_fixture.txt"

# sms ACTION KEY=VALUE...: a signed provider request; the answer's JSON in $work/answer, prints
# the HTTP status. SIGN_SECRET overrides the secret (to sign wrongly).
sms() {
  local body
  body=$(SIGN_SECRET="${SIGN_SECRET:-$(cat "$NOTIFY_SMS_SECRET_FILE")}" /usr/bin/python3 - \
         "$NOTIFY_SMS_ACCESS_KEY_ID" "$@" <<'PY'
import base64, hashlib, hmac, os, sys, time, uuid

def pe(text):  # RFC 3986: unreserved bytes kept, every other byte %XX in upper case
    keep = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    return "".join(chr(b) if b in keep else "%%%02X" % b for b in text.encode("utf-8"))

params = {"AccessKeyId": sys.argv[1], "Action": sys.argv[2], "Format": "JSON",
          "RegionId": "cn-hangzhou", "SignatureMethod": "HMAC-SHA1",
          "SignatureNonce": str(uuid.uuid4()), "SignatureVersion": "1.0",
          "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "Version": "2017-05-25"}
params.update(arg.split("=", 1) for arg in sys.argv[3:])
canonical = "&".join(pe(k) + "=" + pe(params[k]) for k in sorted(params))
to_sign = "POST&%2F&" + pe(canonical)
key = (os.environ["SIGN_SECRET"] + "&").encode()
params["Signature"] = base64.b64encode(hmac.new(key, to_sign.encode(), hashlib.sha1).digest()).decode()
print("&".join(pe(k) + "=" + pe(v) for k, v in params.items()))
PY
  )
  curl -s -o "$work/answer" -w '%{http_code}' --max-time 10 \
    -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' --data-binary "$body" \
    "$NOTIFY_SMS_ENDPOINT"
}
answer() { jq -r "$1" "$work/answer"; }
control() {
  curl -sf --max-time 10 -H 'Content-Type: application/json' -d "$1" \
    "${NOTIFY_SMS_CONTROL}__control" >/dev/null || problem "control $1 refused"
}
stats() { curl -sf --max-time 10 "${NOTIFY_SMS_CONTROL}__stats" | jq -r "$1"; }
messages() { curl -sf --max-time 10 "${NOTIFY_SMS_CONTROL}__messages" | jq -r "$1"; }

# 1. A correctly signed SendSms is accepted, and the phone's text is the template's, signed.
link='https://app.example.cn/c/TS-1?a=1&b=x y*'
status=$(sms SendSms PhoneNumbers=13800000001 SignName=某某地产 TemplateCode=SMS_TEST_RECEIVED \
         OutId=D-1 "TemplateParam={\"number\":\"TS-1\",\"app_link\":\"$link\"}")
expect "SendSms accepted" "$status $(answer .Code)" "200 OK"
biz_id=$(answer .BizId)
[ -n "$biz_id" ] && [ "$biz_id" != null ] || problem "no BizId in $(cat "$work/answer")"
expect "the text the phone receives" "$(messages '.[0].text')" "【某某地产】您的投诉已登记，编号TS-1。查看进度：$link"
fields='[.out_id, .biz_id, .phone, .template_code] | join(" ")'
expect "recorded in sms.jsonl" "$(jq -r "$fields" "$NOTIFY_SINKS_DIR/sms.jsonl")" \
  "D-1 $biz_id 13800000001 SMS_TEST_RECEIVED"

# 2. A wrong signature and an unknown key are refused as permanent errors.
status=$(SIGN_SECRET=not-the-secret sms SendSms PhoneNumbers=13800000001 SignName=某某地产 \
         TemplateCode=SMS_TEST_CLOSED OutId=D-bad)
expect "a bad signature" "$status $(answer .Code)" "400 SignatureDoesNotMatch"
status=$(NOTIFY_SMS_ACCESS_KEY_ID=LTAI-unknown sms SendSms PhoneNumbers=13800000001 SignName=某某地产 \
         TemplateCode=SMS_TEST_CLOSED OutId=D-bad)
expect "an unknown AccessKeyId" "$status $(answer .Code)" "400 InvalidAccessKeyId.NotFound"
status=$(sms SendSms PhoneNumbers=13800000001 TemplateCode=SMS_TEST_CLOSED OutId=D-bad)
expect "no SignName" "$status $(answer .Code)" "400 MissingParameter"

# 3. A repeated OutId is a new message, as at the real provider: another BizId, recorded twice.
status=$(sms SendSms PhoneNumbers=13800000001 SignName=某某地产 TemplateCode=SMS_TEST_RECEIVED \
         OutId=D-1 "TemplateParam={\"number\":\"TS-1\",\"app_link\":\"$link\"}")
expect "a repeated OutId" "$status $(answer .Code)" "200 OK"
second_biz_id=$(answer .BizId)
[ -n "$second_biz_id" ] && [ "$second_biz_id" != null ] && [ "$second_biz_id" != "$biz_id" ] \
  || problem "a repeated OutId answered with BizId '$second_biz_id' (the first: $biz_id)"
expect "recorded twice" "$(messages length) $(wc -l <"$NOTIFY_SINKS_DIR/sms.jsonl")" "2 2"
expect "counted as a duplicate" "$(stats .duplicates)" "1"

# 4. Template and number errors are the provider's isv.* answers.
status=$(sms SendSms PhoneNumbers=13800000001 SignName=某某地产 TemplateCode=SMS_TEST_RECEIVED \
         OutId=D-3 'TemplateParam={"number":"TS-1"}')
expect "a missing variable" "$status $(answer .Code)" "200 isv.TEMPLATE_MISSING_PARAMETERS"
status=$(sms SendSms PhoneNumbers=13800000001 SignName=某某地产 TemplateCode=SMS_NOT_REGISTERED OutId=D-3)
expect "an unknown template" "$status $(answer .Code)" "200 isv.SMS_TEMPLATE_ILLEGAL"
status=$(sms SendSms PhoneNumbers=1380000 SignName=某某地产 TemplateCode=SMS_TEST_CLOSED OutId=D-3)
expect "a wrong number" "$status $(answer .Code)" "200 isv.MOBILE_NUMBER_ILLEGAL"

# 5. fail_next: the next request fails with the status asked for, the one after succeeds.
control '{"fail_next": 1, "fail_status": 500}'
status=$(sms SendSms PhoneNumbers=13800000002 SignName=某某地产 TemplateCode=SMS_TEST_CLOSED OutId=D-2)
expect "failing on purpose" "$status $(answer .Code)" "500 ServiceUnavailable"
status=$(sms SendSms PhoneNumbers=13800000002 SignName=某某地产 TemplateCode=SMS_TEST_CLOSED OutId=D-2)
expect "recovered" "$status $(answer .Code)" "200 OK"
expect "a template without variables" "$(messages 'map(select(.out_id == "D-2"))[0].text')" \
  "【某某地产】您的投诉已结案，感谢您的反馈。"
control '{"fail_until_cleared": true, "fail_status": 503}'
status=$(sms SendSms PhoneNumbers=13800000002 SignName=某某地产 TemplateCode=SMS_TEST_CLOSED OutId=D-4)
expect "failing until cleared" "$status" "503"
control '{"clear": true}'
status=$(sms SendSms PhoneNumbers=13800000002 SignName=某某地产 TemplateCode=SMS_TEST_CLOSED OutId=D-4)
expect "cleared" "$status $(answer .Code)" "200 OK"

# 6. Receipts: delivered (3) by default, then as asked; the BizId's "^" survives encoding.
# SendDate is the Beijing day (UTC+8).
today=$(date -u -d '+8 hours' +%Y%m%d)
status=$(sms QuerySendDetails PhoneNumber=13800000001 "BizId=$biz_id" SendDate="$today" \
         PageSize=10 CurrentPage=1)
detail='.SmsSendDetailDTOs.SmsSendDetailDTO[0] | "\(.SendStatus) \(.ErrCode) \(.OutId)"'
expect "a delivered receipt" "$status $(answer .Code) $(answer .TotalCount) $(answer "$detail")" \
  "200 OK 1 3 DELIVERED D-1"
control '{"receipt": "failed"}'
sms QuerySendDetails PhoneNumber=13800000001 "BizId=$biz_id" SendDate="$today" \
  PageSize=10 CurrentPage=1 >/dev/null
expect "a failed receipt" "$(answer '.SmsSendDetailDTOs.SmsSendDetailDTO[0].SendStatus')" "2"
sms QuerySendDetails PhoneNumber=13900000000 "BizId=$biz_id" SendDate="$today" \
  PageSize=10 CurrentPage=1 >/dev/null
expect "another phone's BizId" "$(answer .TotalCount)" "0"
sms QuerySendDetails PhoneNumber=13800000001 "BizId=$biz_id" SendDate=20200101 \
  PageSize=10 CurrentPage=1 >/dev/null
expect "another day's BizId" "$(answer .TotalCount)" "0"
counts='"\(.send_requests) \(.duplicates) \(.failed_on_purpose) \(.signature_failures)"'
expect "the counts" "$(stats "$counts")" "12 1 2 1"

# 7. Without a BizId: the number's messages of the day, a page at a time, each with its OutId and,
# as at the real provider, no BizId.
status=$(sms QuerySendDetails PhoneNumber=13800000001 SendDate="$today" PageSize=50 CurrentPage=1)
all='[.SmsSendDetailDTOs.SmsSendDetailDTO[] | .OutId] | join(",")'
expect "the day's messages" "$status $(answer .Code) $(answer .TotalCount) $(answer "$all")" \
  "200 OK 2 D-1,D-1"
expect "records without a BizId" "$(answer '[.SmsSendDetailDTOs.SmsSendDetailDTO[] | has("BizId")] | any')" \
  "false"
sms QuerySendDetails PhoneNumber=13800000001 SendDate="$today" PageSize=1 CurrentPage=2 >/dev/null
expect "page 2 of 1 each" "$(answer .TotalCount) $(answer '.SmsSendDetailDTOs.SmsSendDetailDTO | length')" "2 1"
sms QuerySendDetails PhoneNumber=13800000001 SendDate="$today" PageSize=50 CurrentPage=2 >/dev/null
expect "past the last page" "$(answer .TotalCount) $(answer '.SmsSendDetailDTOs.SmsSendDetailDTO | length')" "2 0"
sms QuerySendDetails PhoneNumber=13800000002 SendDate="$today" PageSize=50 CurrentPage=1 >/dev/null
expect "another number's" "$(answer .TotalCount) $(answer "$all")" "2 D-2,D-4"
sms QuerySendDetails PhoneNumber=13800000001 SendDate=20200101 PageSize=50 CurrentPage=1 >/dev/null
expect "another day's" "$(answer .TotalCount)" "0"
status=$(sms QuerySendDetails PhoneNumber=13800000001 SendDate="$today" PageSize=51 CurrentPage=1)
expect "at most 50 to a page" "$status $(answer .Code)" "400 InvalidParameter"

# 8. --dedupe-out-id: a repeated OutId gets the first BizId and is recorded once.
mkdir -p "$work/dedupe"
/usr/bin/python3 "$src/tests/support/provider_standin.py" --dedupe-out-id --port 0 \
  --port-file "$work/dedupe/port" --state-dir "$work/dedupe" \
  --templates "$src/tests/support/notification_templates_fixture.txt" \
  --access-key-id "$NOTIFY_SMS_ACCESS_KEY_ID" --access-key-secret-file "$NOTIFY_SMS_SECRET_FILE" \
  </dev/null >"$work/dedupe/provider.log" 2>&1 &
dedupe_pid=$!
for _ in $(seq 1 100); do [ -s "$work/dedupe/port" ] && break; sleep 0.1; done
dedupe_url="http://127.0.0.1:$(cat "$work/dedupe/port" 2>/dev/null)/"
dedupe_biz_ids=()
for attempt in first repeated; do
  status=$(NOTIFY_SMS_ENDPOINT=$dedupe_url sms SendSms PhoneNumbers=13800000003 SignName=某某地产 \
           TemplateCode=SMS_TEST_CLOSED OutId=D-5)
  expect "the $attempt OutId with --dedupe-out-id" "$status $(answer .Code)" "200 OK"
  dedupe_biz_ids+=("$(answer .BizId)")
done
[ "${dedupe_biz_ids[0]}" != null ] || problem "no BizId with --dedupe-out-id"
expect "the same BizId" "${dedupe_biz_ids[1]}" "${dedupe_biz_ids[0]}"
recorded="$(curl -sf --max-time 10 "${dedupe_url}__messages" | jq -r length)"
expect "recorded once" "$recorded $(wc -l <"$work/dedupe/sms.jsonl")" "1 1"
expect "counted as a duplicate" \
  "$(curl -sf --max-time 10 "${dedupe_url}__stats" | jq -r .duplicates)" "1"
kill "$dedupe_pid" && wait "$dedupe_pid" 2>/dev/null
dedupe_pid=

# 9. The staff chat robot records what it is sent.
got=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
      -d '{"msgtype":"text","text":{"content":"【投诉激增】测试"}}' "$NOTIFY_WEBHOOK_URL")
expect "a webhook message" "$(jq -r .errcode <<<"$got")" "0"
expect "the webhook recorded" \
  "$(curl -sf "${NOTIFY_SMS_CONTROL}__webhooks" | jq -r '.[0] | "\(.name) \(.content)"')" "staff 【投诉激增】测试"
expect "the URL file" "$(cat "$NOTIFY_WEBHOOK_URL_FILE")" "$NOTIFY_WEBHOOK_URL"
expect "in webhook.jsonl" "$(jq -r .content "$NOTIFY_SINKS_DIR/webhook.jsonl")" "【投诉激增】测试"

# 10. Mail sent over SMTP lands in the Maildir; with the sink down the port refuses, and it comes back.
send_mail() {  # send_mail SUBJECT: curl's exit code (7: could not connect)
  printf 'From: tousu@example.cn\r\nTo: someone@example.cn\r\nSubject: %s\r\n\r\nHello.\r\n' "$1" >"$work/mail"
  curl -s --max-time 10 --url "$NOTIFY_SMTP_URL" --mail-from tousu@example.cn \
    --mail-rcpt someone@example.cn --upload-file "$work/mail"
  echo $?
}
expect "mail accepted" "$(send_mail first)" "0"
expect "mail in the Maildir" "$(grep -l '^Subject: first' "$NOTIFY_MAILDIR"/new/* 2>/dev/null | wc -l)" "1"
mail_sink_stop
expect "mail refused while the sink is down" "$(send_mail during)" "7"
mail_sink_start_again
expect "mail accepted again on the same port" "$(send_mail second)" "0"
expect "both mails, nothing else" "$(ls "$NOTIFY_MAILDIR/new" | wc -l)" "2"

# 11. notification_sinks_stop stops both.
notification_sinks_stop
curl -s --max-time 5 "${NOTIFY_SMS_CONTROL}__stats" >/dev/null
expect "the provider stopped" "$?" "7"
expect "the mail sink stopped" "$(send_mail after)" "7"

echo "provider stand-ins: $problems problem(s)"
[ "$problems" -eq 0 ]
