// The notification service's channel senders (services/notification/channels): the SMS
// provider's encoding, signing and answers, the webhook's body and answers, and the email as
// built, read back with GMime. No network: sends that reach it are in the integration test.

#include <curl/curl.h>
#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/log/log.h"
#include "services/notification/channels/curl_transport.h"
#include "services/notification/channels/email_sender.h"
#include "services/notification/channels/sms_provider.h"
#include "services/notification/channels/webhook_sender.h"

namespace tousu::notification {
namespace {

using Outcome = SendResult::Outcome;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

// ---- SMS: percent-encoding and signature v1 ----

TEST(SmsPercentEncode, KeepsOnlyTheUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode(" "), "%20");
  EXPECT_EQ(PercentEncode("*"), "%2A");
  EXPECT_EQ(PercentEncode("~"), "~");
  EXPECT_EQ(PercentEncode("+/=&:"), "%2B%2F%3D%26%3A");
  EXPECT_EQ(PercentEncode("中文"), "%E4%B8%AD%E6%96%87");
  EXPECT_EQ(PercentEncode("a b*c~d 中"), "a%20b%2Ac~d%20%E4%B8%AD");
}

// The provider's documented example request. Expected values computed independently with
// Python's hmac: base64(HMAC-SHA1("testSecret&", METHOD + "&%2F&" + quote(canonical, safe="~")))
// over the sorted, quote(safe="~")-encoded pairs. The same script gives the documentation's GET
// signature zJDF+Lrzhj/ThnlvIToysFRq6t4=; the contract signs POST.
TEST(SmsSignature, MatchesTheProvidersDocumentedExampleSignedAsPost) {
  const SmsParams params = {{"AccessKeyId", "testId"},
                            {"Action", "SendSms"},
                            {"Format", "XML"},
                            {"OutId", "123"},
                            {"PhoneNumbers", "15300000001"},
                            {"RegionId", "cn-hangzhou"},
                            {"SignName", "阿里云短信测试专用"},
                            {"SignatureMethod", "HMAC-SHA1"},
                            {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"},
                            {"SignatureVersion", "1.0"},
                            {"TemplateCode", "SMS_71390007"},
                            {"TemplateParam", R"({"customer":"test"})"},
                            {"Timestamp", "2017-07-12T02:42:19Z"},
                            {"Version", "2017-05-25"}};
  EXPECT_EQ(SignRequest(params, "testSecret"), "Xvhv7fPXrPkLVSnlt0jIr08o8NQ=");
}

SmsProviderConfig TestSmsConfig() {
  SmsProviderConfig config;
  config.endpoint = "http://127.0.0.1:1/";
  config.access_key_id = "LTAI-test";
  config.access_key_secret = "test secret*~";
  config.sign_name = "某某地产";
  return config;
}

OutgoingMessage TestSms() {
  OutgoingMessage m;
  m.delivery_id = "d-0001";
  m.address = "13800138000";
  m.provider_template = "SMS_100001";
  m.template_params = {{"number", "TS-202612-000123"}, {"note", "a b*c~d"}};
  m.text = "您的投诉 TS-202612-000123 已受理";
  return m;
}

// Computed with the same Python script as above, key "test secret*~&", over exactly these
// parameters (space, '*', '~' and Chinese in the values, the secret holding them too).
TEST(SmsSignature, SignsTheSendSmsParametersAsTheContractSpells) {
  const SmsParams params =
      SendSmsParams(TestSmsConfig(), TestSms(), Utc(2026, 12, 7, 2, 0), "0123456789abcdef");
  const std::map<std::string, std::string> by_name(params.begin(), params.end());
  const std::map<std::string, std::string> expected = {
      {"AccessKeyId", "LTAI-test"},
      {"Action", "SendSms"},
      {"Format", "JSON"},
      {"OutId", "d-0001"},
      {"PhoneNumbers", "13800138000"},
      {"RegionId", "cn-hangzhou"},
      {"SignName", "某某地产"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "0123456789abcdef"},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", "SMS_100001"},
      {"TemplateParam", R"({"number":"TS-202612-000123","note":"a b*c~d"})"},
      {"Timestamp", "2026-12-07T02:00:00Z"},
      {"Version", "2017-05-25"}};
  EXPECT_EQ(by_name, expected);
  EXPECT_EQ(params.size(), expected.size());
  EXPECT_EQ(SignRequest(params, "test secret*~"), "m9chJB9bzEkRUoisGSA3UbkqSkI=");
}

TEST(SmsSignature, DoesNotDependOnParameterOrderOrAnOldSignature) {
  SmsParams params = SendSmsParams(TestSmsConfig(), TestSms(), Utc(2026, 12, 7, 2, 0), "n1");
  const std::string signature = SignRequest(params, "s");
  std::reverse(params.begin(), params.end());
  params.emplace_back("Signature", "stale");
  EXPECT_EQ(SignRequest(params, "s"), signature);
  EXPECT_NE(SignRequest(params, "other"), signature);
}

// Decodes a form body (percent-encoding only, as SignedFormBody writes it).
std::map<std::string, std::string> DecodeForm(const std::string& body) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(body, '&')) {
    std::vector<std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    auto decode = [](const std::string& s) {
      std::string d;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
          d.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
          i += 2;
        } else {
          d.push_back(s[i]);
        }
      }
      return d;
    };
    out[decode(kv[0])] = decode(kv.size() > 1 ? kv[1] : "");
  }
  return out;
}

TEST(SmsFormBody, IsTheSortedEncodedParametersWithTheSignatureLast) {
  const SmsParams params =
      SendSmsParams(TestSmsConfig(), TestSms(), Utc(2026, 12, 7, 2, 0), "0123456789abcdef");
  const std::string body = SignedFormBody(params, "test secret*~");
  EXPECT_TRUE(absl::StartsWith(body, "AccessKeyId=LTAI-test&Action=SendSms&Format=JSON&"));
  EXPECT_TRUE(absl::EndsWith(body, "&Signature=m9chJB9bzEkRUoisGSA3UbkqSkI%3D")) << body;
  EXPECT_TRUE(absl::StrContains(body, "SignName=%E6%9F%90%E6%9F%90%E5%9C%B0%E4%BA%A7&"));
  EXPECT_FALSE(absl::StrContains(body, "+"));
  std::map<std::string, std::string> decoded = DecodeForm(body);
  EXPECT_EQ(decoded["TemplateParam"], R"({"number":"TS-202612-000123","note":"a b*c~d"})");
  EXPECT_EQ(decoded["Signature"], "m9chJB9bzEkRUoisGSA3UbkqSkI=");
  EXPECT_EQ(decoded.size(), params.size() + 1);
}

TEST(SmsTemplateParam, IsAJsonObjectOfStringsWithCorrectEscaping) {
  EXPECT_EQ(TemplateParamJson({}), "{}");
  EXPECT_EQ(TemplateParamJson({{"name", "张\"三\\"}, {"note", "第一行\n第二行\t"}}),
            R"({"name":"张\"三\\","note":"第一行\n第二行\t"})");
  // Invalid UTF-8 cannot reach the provider as such: it becomes U+FFFD.
  EXPECT_EQ(TemplateParamJson({{"x", "a\xff"}}), R"({"x":"a\ufffd"})");
}

TEST(SmsReceiptQuery, AsksForTheBeijingDayOfTheSend) {
  // 16:30 UTC on 6 December is 00:30 on 7 December in Beijing.
  EXPECT_EQ(SmsSendDate(Utc(2026, 12, 6, 16, 30)), "20261207");
  EXPECT_EQ(SmsSendDate(Utc(2026, 12, 6, 15, 59, 59)), "20261206");
  const SmsParams params =
      QuerySendDetailsParams(TestSmsConfig(), "13800138000", "900^0", Utc(2026, 12, 6, 16, 30),
                             Utc(2026, 12, 7, 2, 0), "n");
  const std::map<std::string, std::string> by_name(params.begin(), params.end());
  EXPECT_EQ(by_name.at("Action"), "QuerySendDetails");
  EXPECT_EQ(by_name.at("PhoneNumber"), "13800138000");
  EXPECT_EQ(by_name.at("BizId"), "900^0");
  EXPECT_EQ(by_name.at("SendDate"), "20261207");
  EXPECT_EQ(by_name.at("PageSize"), "10");
  EXPECT_EQ(by_name.at("CurrentPage"), "1");
  EXPECT_EQ(by_name.at("Timestamp"), "2026-12-07T02:00:00Z");
  EXPECT_EQ(by_name.at("SignatureVersion"), "1.0");
  EXPECT_EQ(by_name.at("Version"), "2017-05-25");
}

// ---- SMS: the provider's answers ----

TEST(SmsAnswer, OkWithABizIdIsAccepted) {
  const SendResult r = ClassifySmsAnswer(
      200, R"({"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"F6A1"})");
  EXPECT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.provider_id, "900619746936498440^0");
  EXPECT_EQ(r.error, "");
}

TEST(SmsAnswer, ARepeatedOutIdAnsweredWithTheSameBizIdIsAcceptedWithThatBizId) {
  const std::string answer = R"({"Code":"OK","Message":"OK","BizId":"777^0","RequestId":"R2"})";
  EXPECT_EQ(ClassifySmsAnswer(200, answer).provider_id, "777^0");
  EXPECT_EQ(ClassifySmsAnswer(200, answer).provider_id, "777^0");
}

TEST(SmsAnswer, AuthenticationAndRequestErrorsArePermanent) {
  for (const std::string code :
       {"SignatureDoesNotMatch", "InvalidAccessKeyId.NotFound", "MissingParameter"}) {
    const SendResult r =
        ClassifySmsAnswer(400, R"({"Code":")" + code + R"(","Message":"x","RequestId":"R"})");
    EXPECT_EQ(r.outcome, Outcome::kPermanentFailure) << code;
    EXPECT_EQ(r.error, code);
  }
}

TEST(SmsAnswer, RefusedNumbersAndTemplatesArePermanent) {
  for (const std::string code : {"isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL",
                                 "isv.TEMPLATE_MISSING_PARAMETERS"}) {
    const SendResult r = ClassifySmsAnswer(200, R"({"Code":")" + code + R"(","Message":"x"})");
    EXPECT_EQ(r.outcome, Outcome::kPermanentFailure) << code;
    EXPECT_EQ(r.error, code);
    EXPECT_EQ(r.provider_id, "");
  }
}

TEST(SmsAnswer, FlowControlIsRetriedLater) {
  const SendResult r = ClassifySmsAnswer(200, R"({"Code":"isv.BUSINESS_LIMIT_CONTROL"})");
  EXPECT_EQ(r.outcome, Outcome::kRetryLater);
  EXPECT_EQ(r.error, "isv.BUSINESS_LIMIT_CONTROL");
  EXPECT_EQ(ClassifySmsAnswer(200, R"({"Code":"isp.SYSTEM_ERROR"})").outcome, Outcome::kRetryLater);
  EXPECT_EQ(ClassifySmsAnswer(429, "").outcome, Outcome::kRetryLater);
}

TEST(SmsAnswer, ServerErrorsAreRetriedLaterWhateverTheBody) {
  for (const long status : {500L, 502L, 503L, 504L}) {
    const SendResult r = ClassifySmsAnswer(status, "<html>Bad Gateway</html>");
    EXPECT_EQ(r.outcome, Outcome::kRetryLater);
    EXPECT_EQ(r.error, "http " + std::to_string(status));
  }
}

TEST(SmsAnswer, AnUnreadableSuccessIsRetriedLaterSinceItMayHaveBeenAccepted) {
  EXPECT_EQ(ClassifySmsAnswer(200, "not json").outcome, Outcome::kRetryLater);
  EXPECT_EQ(ClassifySmsAnswer(200, R"({"Code":"OK"})").outcome, Outcome::kRetryLater);
  EXPECT_EQ(ClassifySmsAnswer(200, R"({"Message":"OK"})").outcome, Outcome::kRetryLater);
}

TEST(SmsAnswer, OtherClientErrorsArePermanentAndNameTheStatusWithoutACode) {
  const SendResult r = ClassifySmsAnswer(404, "<html>not found</html>");
  EXPECT_EQ(r.outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(r.error, "http 404");
}

TEST(SmsAnswer, ErrorsCarryOnlyTheCodeNeverTheProvidersMessage) {
  const SendResult r = ClassifySmsAnswer(
      200, R"({"Code":"isv.MOBILE_NUMBER_ILLEGAL 13800138000","Message":"13800138000 bad"})");
  EXPECT_FALSE(absl::StrContains(r.error, " "));
  EXPECT_FALSE(absl::StrContains(r.error, "bad"));
}

std::string Receipt(int status, const std::string& phone = "13800138000") {
  return R"({"Code":"OK","TotalCount":1,"SmsSendDetailDTOs":{"SmsSendDetailDTO":[{"PhoneNum":")" +
         phone + R"(","SendStatus":)" + std::to_string(status) +
         R"(,"ErrCode":"DELIVERED","TemplateCode":"SMS_1","Content":"x",)" +
         R"("SendDate":"2026-12-07 10:00:00","ReceiveDate":"2026-12-07 10:00:02","OutId":"d"}]}})";
}

TEST(SmsReceipt, SendStatusMapsToWaitingFailedAndDelivered) {
  EXPECT_EQ(*ParseReceiptAnswer(200, Receipt(1), "13800138000"), ReceiptState::kWaiting);
  EXPECT_EQ(*ParseReceiptAnswer(200, Receipt(2), "13800138000"), ReceiptState::kFailed);
  EXPECT_EQ(*ParseReceiptAnswer(200, Receipt(3), "13800138000"), ReceiptState::kDelivered);
}

TEST(SmsReceipt, ASendNotListedYetIsWaiting) {
  EXPECT_EQ(*ParseReceiptAnswer(200, R"({"Code":"OK","TotalCount":0})", "13800138000"),
            ReceiptState::kWaiting);
  EXPECT_EQ(*ParseReceiptAnswer(
                200, R"({"Code":"OK","TotalCount":0,"SmsSendDetailDTOs":{"SmsSendDetailDTO":[]}})",
                "13800138000"),
            ReceiptState::kWaiting);
  // A record for another number is not this send's.
  EXPECT_EQ(*ParseReceiptAnswer(200, Receipt(3, "13900139000"), "13800138000"),
            ReceiptState::kWaiting);
}

TEST(SmsReceipt, ProviderTroubleIsUnavailableAndRefusalsAreInternal) {
  EXPECT_TRUE(absl::IsUnavailable(ParseReceiptAnswer(503, "", "13800138000").status()));
  EXPECT_TRUE(absl::IsUnavailable(
      ParseReceiptAnswer(200, R"({"Code":"isv.BUSINESS_LIMIT_CONTROL"})", "13800138000").status()));
  const auto refused =
      ParseReceiptAnswer(400, R"({"Code":"SignatureDoesNotMatch"})", "13800138000");
  EXPECT_TRUE(absl::IsInternal(refused.status()));
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "SignatureDoesNotMatch"));
  EXPECT_TRUE(absl::IsInternal(ParseReceiptAnswer(200, "garbage", "13800138000").status()));
  EXPECT_TRUE(absl::IsInternal(ParseReceiptAnswer(200, Receipt(7), "13800138000").status()));
}

// ---- SMS: finding a message by its OutId ----

// A QuerySendDetails listing as the provider writes it: one record per OutId, none with a BizId.
std::string Listing(const std::string& total_count, const std::vector<std::string>& out_ids) {
  std::string records;
  for (const auto& out_id : out_ids) {
    if (!records.empty()) records += ",";
    records += R"({"PhoneNum":"13800138000","SendStatus":3,"ErrCode":"DELIVERED",)"
               R"("TemplateCode":"SMS_1","Content":"x","SendDate":"2026-12-07 10:00:00",)"
               R"("ReceiveDate":"2026-12-07 10:00:02","OutId":")" +
               out_id + R"("})";
  }
  return R"({"Code":"OK","Message":"OK","RequestId":"R",)" +
         (total_count.empty() ? "" : R"("TotalCount":)" + total_count + ",") +
         R"("SmsSendDetailDTOs":{"SmsSendDetailDTO":[)" + records + "]}}";
}

TEST(SmsSentLookup, ListsTheWholeDayWithoutABizIdFiftyToAPage) {
  const SmsParams params = ListSendDetailsParams(TestSmsConfig(), "13800138000", "20261207", 3,
                                                 Utc(2026, 12, 7, 2, 0), "n");
  const std::map<std::string, std::string> by_name(params.begin(), params.end());
  EXPECT_EQ(by_name.count("BizId"), 0u);
  EXPECT_EQ(by_name.at("Action"), "QuerySendDetails");
  EXPECT_EQ(by_name.at("PhoneNumber"), "13800138000");
  EXPECT_EQ(by_name.at("SendDate"), "20261207");
  EXPECT_EQ(by_name.at("PageSize"), "50");
  EXPECT_EQ(by_name.at("CurrentPage"), "3");
  EXPECT_EQ(by_name.at("Timestamp"), "2026-12-07T02:00:00Z");
  EXPECT_EQ(by_name.at("SignatureNonce"), "n");
}

TEST(SmsSentLookup, AlsoLooksAtTheDayBeforeJustAfterBeijingMidnight) {
  // Beijing is UTC+8: 16:00 UTC is midnight.
  EXPECT_EQ(SentLookupDates(Utc(2026, 12, 7, 2, 0)), std::vector<std::string>{"20261207"});
  EXPECT_EQ(SentLookupDates(Utc(2026, 12, 6, 16, 0)),
            (std::vector<std::string>{"20261207", "20261206"}));
  EXPECT_EQ(SentLookupDates(Utc(2026, 12, 6, 16, 9, 59)),
            (std::vector<std::string>{"20261207", "20261206"}));
  EXPECT_EQ(SentLookupDates(Utc(2026, 12, 6, 16, 10)), std::vector<std::string>{"20261207"});
  EXPECT_EQ(SentLookupDates(Utc(2026, 12, 6, 15, 59, 59)), std::vector<std::string>{"20261206"});
  EXPECT_EQ(SentLookupDates(Utc(2026, 12, 31, 16, 5)),
            (std::vector<std::string>{"20270101", "20261231"}));
}

TEST(SmsSentLookup, TheProvidersRecordsNameTheOutIdButNoBizId) {
  const auto found = FindOutIdInAnswer(200, Listing("3", {"17", "18", "19"}), "18");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, "");
  // A record naming a BizId gives it, reduced to what ids are made of.
  const std::string with_biz_id =
      R"({"Code":"OK","TotalCount":1,"SmsSendDetailDTOs":{"SmsSendDetailDTO":[)"
      R"({"OutId":"18","BizId":"900619746936498440^0\"<x>","SendStatus":1}]}})";
  EXPECT_EQ(FindOutIdInAnswer(200, with_biz_id, "18")->value_or("none"), "900619746936498440^0x");
}

TEST(SmsSentLookup, NoRecordWithTheOutIdIsNotFound) {
  EXPECT_EQ(*FindOutIdInAnswer(200, Listing("3", {"17", "180", "1"}), "18"), std::nullopt);
  EXPECT_EQ(*FindOutIdInAnswer(200, Listing("0", {}), "18"), std::nullopt);
  EXPECT_EQ(*FindOutIdInAnswer(200, R"({"Code":"OK","TotalCount":0})", "18"), std::nullopt);
  // An empty OutId matches nothing, not a record without one.
  EXPECT_EQ(*FindOutIdInAnswer(200, Listing("1", {""}), ""), std::nullopt);
}

TEST(SmsSentLookup, ProviderTroubleIsUnavailableAndRefusalsAreInternal) {
  EXPECT_TRUE(absl::IsUnavailable(FindOutIdInAnswer(503, "", "18").status()));
  EXPECT_TRUE(absl::IsUnavailable(FindOutIdInAnswer(429, "", "18").status()));
  EXPECT_TRUE(absl::IsUnavailable(
      FindOutIdInAnswer(200, R"({"Code":"isv.BUSINESS_LIMIT_CONTROL"})", "18").status()));
  EXPECT_TRUE(
      absl::IsUnavailable(FindOutIdInAnswer(400, R"({"Code":"Throttling.User"})", "18").status()));
  const auto refused = FindOutIdInAnswer(400, R"({"Code":"SignatureDoesNotMatch"})", "18");
  EXPECT_TRUE(absl::IsInternal(refused.status()));
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "SignatureDoesNotMatch"));
  EXPECT_TRUE(absl::IsInternal(FindOutIdInAnswer(200, "garbage", "18").status()));
  EXPECT_TRUE(absl::IsInternal(FindOutIdInAnswer(404, "<html>", "18").status()));
}

TEST(SmsSentLookup, ReadsTheTotalCountAndThePagesSize) {
  const auto page = ParseSentDetailsPage(200, Listing("120", {"1", "2"}), "9");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_count, 120);
  EXPECT_EQ(page->listed, 2);
  EXPECT_EQ(page->biz_id, std::nullopt);
  EXPECT_EQ(ParseSentDetailsPage(200, Listing(R"("7")", {}), "9")->total_count, 7);
  EXPECT_EQ(ParseSentDetailsPage(200, Listing("", {"1"}), "9")->total_count, -1);
}

// A provider holding `per_day` messages to the phone on each SendDate, OutIds "<date>-<i>",
// answering pages as the real one does; `asked` collects "<date>/<page>".
struct FakeListing {
  explicit FakeListing(std::map<std::string, int> days = {}) : per_day(std::move(days)) {}

  std::map<std::string, int> per_day;
  std::vector<std::string> asked;
  bool total_count = true;
  int shown_per_day = -1;  // fewer records than TotalCount counts, if >= 0

  SendDetailsFetch Fetch() {
    return
        [this](const std::string& date, int page) -> absl::StatusOr<std::pair<long, std::string>> {
          asked.push_back(date + "/" + std::to_string(page));
          const int total = per_day.count(date) ? per_day.at(date) : 0;
          const int shown = shown_per_day >= 0 ? std::min(shown_per_day, total) : total;
          std::vector<std::string> out_ids;
          for (int i = (page - 1) * kSentLookupPageSize;
               i < std::min(shown, page * kSentLookupPageSize); ++i) {
            out_ids.push_back(date + "-" + std::to_string(i));
          }
          return std::make_pair(200L, Listing(total_count ? std::to_string(total) : "", out_ids));
        };
  }
};

TEST(SmsSentLookup, ReadsPagesUntilTheOutIdTurnsUp) {
  FakeListing provider({{"20261207", 120}});
  const auto found = FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "20261207-75", provider.Fetch());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->value_or("none"), "");
  EXPECT_EQ(provider.asked, (std::vector<std::string>{"20261207/1", "20261207/2"}));
}

TEST(SmsSentLookup, ReadsEveryPageOfTheDayBeforeSayingNotFound) {
  FakeListing provider({{"20261207", 120}});
  const auto found = FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "20261207-120", provider.Fetch());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, std::nullopt);
  EXPECT_EQ(provider.asked, (std::vector<std::string>{"20261207/1", "20261207/2", "20261207/3"}));
  // Exactly a page's worth needs no empty page after it; an empty day is one page.
  provider = FakeListing({{"20261207", 50}});
  EXPECT_EQ(*FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", provider.Fetch()), std::nullopt);
  EXPECT_EQ(provider.asked, std::vector<std::string>{"20261207/1"});
  provider = FakeListing();
  EXPECT_EQ(*FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", provider.Fetch()), std::nullopt);
  EXPECT_EQ(provider.asked, std::vector<std::string>{"20261207/1"});
}

TEST(SmsSentLookup, WithoutATotalCountAShortPageIsTheLast) {
  FakeListing provider({{"20261207", 100}});
  provider.total_count = false;
  EXPECT_EQ(*FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", provider.Fetch()), std::nullopt);
  EXPECT_EQ(provider.asked, (std::vector<std::string>{"20261207/1", "20261207/2", "20261207/3"}));
}

TEST(SmsSentLookup, JustAfterMidnightFindsAMessageOfTheDayBefore) {
  FakeListing provider({{"20261206", 3}, {"20261207", 1}});
  const auto found = FindOutIdInPages(Utc(2026, 12, 6, 16, 2), "20261206-2", provider.Fetch());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value());
  EXPECT_EQ(provider.asked, (std::vector<std::string>{"20261207/1", "20261206/1"}));
  // Later in the day, the day before is not asked about.
  provider.asked.clear();
  EXPECT_EQ(*FindOutIdInPages(Utc(2026, 12, 6, 16, 30), "20261206-2", provider.Fetch()),
            std::nullopt);
  EXPECT_EQ(provider.asked, std::vector<std::string>{"20261207/1"});
}

TEST(SmsSentLookup, ADayTooFullToReadCannotRuleTheMessageOut) {
  FakeListing provider({{"20261207", kSentLookupMaxPages * kSentLookupPageSize + 1}});
  const auto found = FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", provider.Fetch());
  EXPECT_TRUE(absl::IsInternal(found.status())) << found.status();
  EXPECT_EQ(provider.asked.size(), static_cast<size_t>(kSentLookupMaxPages));
  // Exactly the most that is read is read through.
  provider = FakeListing({{"20261207", kSentLookupMaxPages * kSentLookupPageSize}});
  EXPECT_EQ(*FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", provider.Fetch()), std::nullopt);
}

TEST(SmsSentLookup, FewerRecordsThanCountedCannotRuleTheMessageOut) {
  FakeListing provider({{"20261207", 2}});
  provider.shown_per_day = 0;
  EXPECT_TRUE(absl::IsUnavailable(
      FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", provider.Fetch()).status()));
}

TEST(SmsSentLookup, AFailedPageEndsTheSearchWithItsError) {
  int calls = 0;
  const SendDetailsFetch fetch = [&](const std::string&,
                                     int page) -> absl::StatusOr<std::pair<long, std::string>> {
    ++calls;
    if (page == 1) {
      std::vector<std::string> out_ids(kSentLookupPageSize, "other");
      return std::make_pair(200L, Listing("60", out_ids));
    }
    return absl::UnavailableError("sms provider: timeout");
  };
  EXPECT_TRUE(absl::IsUnavailable(FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", fetch).status()));
  EXPECT_EQ(calls, 2);
  const SendDetailsFetch refused = [](const std::string&,
                                      int) -> absl::StatusOr<std::pair<long, std::string>> {
    return std::make_pair(400L, std::string(R"({"Code":"InvalidAccessKeyId.NotFound"})"));
  };
  EXPECT_TRUE(absl::IsInternal(FindOutIdInPages(Utc(2026, 12, 7, 2, 0), "x", refused).status()));
}

TEST(SmsSentLookup, RefusesABadPhoneOrNoOutIdWithoutCallingTheProvider) {
  SmsProvider provider(TestSmsConfig());  // port 1: a call would fail differently
  EXPECT_TRUE(
      absl::IsInvalidArgument(provider.FindSent("1380013800", "d-1", absl::Now()).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(provider.FindSent("13800138000", "", absl::Now()).status()));
  // Nobody listening: asking again later may help.
  EXPECT_TRUE(absl::IsUnavailable(provider.FindSent("13800138000", "d-1", absl::Now()).status()));
}

TEST(SmsSend, RefusesWhatTheProviderWouldRefuseWithoutCallingIt) {
  SmsProvider provider(TestSmsConfig());  // port 1: a call would fail differently
  OutgoingMessage m = TestSms();
  m.address = "1380013800";
  SendResult r = provider.Send(m);
  EXPECT_EQ(r.outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(r.error, "invalid phone number");
  m = TestSms();
  m.delivery_id = "a b";
  EXPECT_EQ(provider.Send(m).error, "invalid delivery id");
  m = TestSms();
  m.provider_template.clear();
  EXPECT_EQ(provider.Send(m).error, "missing template");
  EXPECT_TRUE(absl::IsInvalidArgument(provider.QueryReceipt("123", "b", absl::Now()).status()));
}

TEST(SmsPhone, AcceptsElevenDigitMobileNumbersOnly) {
  EXPECT_TRUE(IsMobileNumber("13800138000"));
  EXPECT_FALSE(IsMobileNumber("23800138000"));
  EXPECT_FALSE(IsMobileNumber("138001380001"));
  EXPECT_FALSE(IsMobileNumber("1380013800a"));
  EXPECT_FALSE(IsMobileNumber("+8613800138"));
}

// ---- Webhook ----

TEST(WebhookBody, IsTheRobotsTextMessageWithEscapedContent) {
  EXPECT_EQ(WebhookBody("投诉 TS-1 超时\n\"请处理\"\\"),
            R"({"msgtype":"text","text":{"content":"投诉 TS-1 超时\n\"请处理\"\\"}})");
}

TEST(WebhookAnswer, ErrcodeZeroIsAcceptedAndAnyOtherPermanent) {
  EXPECT_EQ(ClassifyWebhookAnswer(200, R"({"errcode":0,"errmsg":"ok"})").outcome,
            Outcome::kAccepted);
  const SendResult r = ClassifyWebhookAnswer(200, R"({"errcode":93000,"errmsg":"invalid key"})");
  EXPECT_EQ(r.outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(r.error, "errcode 93000");
}

TEST(WebhookAnswer, ServerErrorsRetryLaterAndOtherStatusesArePermanent) {
  EXPECT_EQ(ClassifyWebhookAnswer(502, "").outcome, Outcome::kRetryLater);
  EXPECT_EQ(ClassifyWebhookAnswer(502, "").error, "http 502");
  EXPECT_EQ(ClassifyWebhookAnswer(404, "").outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(ClassifyWebhookAnswer(404, "").error, "http 404");
  const SendResult html = ClassifyWebhookAnswer(200, "<html>hello</html>");
  EXPECT_EQ(html.outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(html.error, "unparsable answer");
  EXPECT_EQ(ClassifyWebhookAnswer(200, R"({"errmsg":"ok"})").outcome, Outcome::kPermanentFailure);
}

TEST(WebhookSend, RefusesAnythingButAnHttpUrl) {
  WebhookSender sender;
  OutgoingMessage m;
  m.delivery_id = "w-1";
  m.text = "x";
  for (const std::string url :
       {"ftp://chat.example/hook", "file:///etc/passwd", "", "http://a b"}) {
    m.address = url;
    const SendResult r = sender.Send(m);
    EXPECT_EQ(r.outcome, Outcome::kPermanentFailure) << url;
    EXPECT_EQ(r.error, "invalid url");
  }
}

// ---- Email ----

EmailConfig TestEmailConfig() {
  EmailConfig config;
  config.smtp_url = "smtp://127.0.0.1:1";
  config.from_address = "noreply@tousu.example";
  config.from_name = "某某地产客服中心";
  config.message_id_domain = "notify.tousu.example";
  return config;
}

OutgoingMessage TestEmail() {
  OutgoingMessage m;
  m.delivery_id = "0f3a9c2e-7b1d-4e8a-9c55-1a2b3c4d5e6f";
  m.address = "kunde@example.com";
  m.recipient_name = "张三";
  m.subject = "您的投诉 TS-202612-000123 已受理，我们将在两个工作日内回复";
  m.text =
      "尊敬的张三：\n\n您的投诉 TS-202612-000123 已受理。\n处理进度可在小程序中查看。\n\n"
      "某某地产客服中心";
  m.unsubscribe_url = "https://tousu.example/unsubscribe?t=abc123";
  return m;
}

struct GMimeDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};
using ParsedMessage = std::unique_ptr<GMimeMessage, GMimeDeleter>;

ParsedMessage Parse(const std::string& raw) {
  EnsureGMimeInitialized();
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  ParsedMessage message(g_mime_parser_construct_message(parser, nullptr));
  g_object_unref(parser);
  g_object_unref(stream);
  return message;
}

std::string Header(GMimeMessage* m, const char* name) {
  const char* value = g_mime_object_get_header(GMIME_OBJECT(m), name);
  return value == nullptr ? "" : value;
}

std::string Body(GMimeMessage* m) {
  GMimeObject* part = g_mime_message_get_mime_part(m);
  if (part == nullptr || !GMIME_IS_TEXT_PART(part)) return "<not a text part>";
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  std::string out = text == nullptr ? "" : text;
  g_free(text);
  return absl::StrReplaceAll(out, {{"\r\n", "\n"}});  // line ends are the transport's business
}

std::string MailboxName(InternetAddressList* list) {
  if (list == nullptr || internet_address_list_length(list) != 1) return "<not one address>";
  const char* name = internet_address_get_name(internet_address_list_get_address(list, 0));
  return name == nullptr ? "" : name;
}

std::string MailboxAddress(InternetAddressList* list) {
  if (list == nullptr || internet_address_list_length(list) != 1) return "<not one address>";
  InternetAddress* a = internet_address_list_get_address(list, 0);
  if (!INTERNET_ADDRESS_IS_MAILBOX(a)) return "<not a mailbox>";
  return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
}

TEST(EmailMime, ReadsBackAsTheChineseSubjectTextAndNames) {
  const std::string raw = BuildMime(TestEmailConfig(), TestEmail(), Utc(2026, 12, 7, 2, 0));
  ParsedMessage m = Parse(raw);
  ASSERT_NE(m, nullptr) << raw;
  EXPECT_EQ(g_mime_message_get_subject(m.get()), TestEmail().subject);
  EXPECT_EQ(Body(m.get()), TestEmail().text);
  EXPECT_EQ(MailboxName(g_mime_message_get_from(m.get())), "某某地产客服中心");
  EXPECT_EQ(MailboxAddress(g_mime_message_get_from(m.get())), "noreply@tousu.example");
  InternetAddressList* to = g_mime_message_get_addresses(m.get(), GMIME_ADDRESS_TYPE_TO);
  EXPECT_EQ(MailboxName(to), "张三");
  EXPECT_EQ(MailboxAddress(to), "kunde@example.com");
  GMimeObject* part = g_mime_message_get_mime_part(m.get());
  EXPECT_STREQ(g_mime_object_get_content_type_parameter(part, "charset"), "utf-8");
  EXPECT_TRUE(g_mime_content_type_is_type(g_mime_object_get_content_type(part), "text", "plain"));
}

TEST(EmailMime, CarriesTheIdentifyingAndAutomationHeaders) {
  const std::string raw = BuildMime(TestEmailConfig(), TestEmail(), Utc(2026, 12, 7, 2, 0));
  ParsedMessage m = Parse(raw);
  ASSERT_NE(m, nullptr);
  EXPECT_STREQ(g_mime_message_get_message_id(m.get()),
               "notification-0f3a9c2e-7b1d-4e8a-9c55-1a2b3c4d5e6f@notify.tousu.example");
  EXPECT_TRUE(absl::StrContains(
      raw, "Message-Id: <notification-0f3a9c2e-7b1d-4e8a-9c55-1a2b3c4d5e6f@notify.tousu.example>"))
      << raw;
  EXPECT_EQ(Header(m.get(), "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(Header(m.get(), "List-Unsubscribe"), "<https://tousu.example/unsubscribe?t=abc123>");
  EXPECT_EQ(Header(m.get(), "MIME-Version"), "1.0");
  GDateTime* date = g_mime_message_get_date(m.get());
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(g_date_time_to_unix(date), absl::ToUnixSeconds(Utc(2026, 12, 7, 2, 0)));
}

TEST(EmailMime, IsSevenBitCleanWithCrlfLineEndsAndEncodedWords) {
  const std::string raw = BuildMime(TestEmailConfig(), TestEmail(), Utc(2026, 12, 7, 2, 0));
  for (const char c : raw) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << raw;
  for (size_t i = raw.find('\n'); i != std::string::npos; i = raw.find('\n', i + 1)) {
    ASSERT_GT(i, 0u);
    ASSERT_EQ(raw[i - 1], '\r') << "bare LF at " << i;
  }
  const size_t subject = raw.find("\r\nSubject: ");
  ASSERT_NE(subject, std::string::npos);
  EXPECT_TRUE(absl::StartsWithIgnoreCase(raw.substr(subject + 11), "=?utf-8?")) << raw;
}

TEST(EmailMime, LeavesOutListUnsubscribeWithoutAUrl) {
  OutgoingMessage email = TestEmail();
  email.unsubscribe_url.clear();
  email.recipient_name.clear();
  ParsedMessage m = Parse(BuildMime(TestEmailConfig(), email, Utc(2026, 12, 7, 2, 0)));
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Header(m.get(), "List-Unsubscribe"), "");
  EXPECT_EQ(Header(m.get(), "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(MailboxName(g_mime_message_get_addresses(m.get(), GMIME_ADDRESS_TYPE_TO)), "");
}

TEST(EmailMime, ASubjectCannotAddHeadersOfItsOwn) {
  OutgoingMessage email = TestEmail();
  email.subject = "受理通知\r\nBcc: someone@example.org";
  email.recipient_name = "张三\r\nX-Injected: yes";
  const std::string raw = BuildMime(TestEmailConfig(), email, Utc(2026, 12, 7, 2, 0));
  ParsedMessage m = Parse(raw);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Header(m.get(), "Bcc"), "");
  EXPECT_EQ(Header(m.get(), "X-Injected"), "");
  EXPECT_EQ(g_mime_message_get_addresses(m.get(), GMIME_ADDRESS_TYPE_BCC) == nullptr ||
                internet_address_list_length(
                    g_mime_message_get_addresses(m.get(), GMIME_ADDRESS_TYPE_BCC)) == 0,
            true);
  EXPECT_TRUE(absl::StrContains(g_mime_message_get_subject(m.get()), "Bcc:"));
}

TEST(EmailMime, AsciiTextStaysReadable) {
  OutgoingMessage email = TestEmail();
  email.subject = "Complaint received";
  email.text = "Line one\nLine two\n";
  const std::string raw = BuildMime(TestEmailConfig(), email, Utc(2026, 12, 7, 2, 0));
  EXPECT_TRUE(absl::StrContains(raw, "\r\nSubject: Complaint received\r\n"));
  EXPECT_TRUE(absl::StrContains(raw, "Line one\r\nLine two\r\n"));
  EXPECT_EQ(Body(Parse(raw).get()), email.text);
}

TEST(EmailMessageId, FallsBackToTheSendersDomain) {
  EmailConfig config = TestEmailConfig();
  config.message_id_domain.clear();
  EXPECT_EQ(EmailMessageId(config, "d1"), "notification-d1@tousu.example");
}

TEST(EmailSmtpResult, RefusedConnectionsTimeoutsAnd4xxRetryAnd5xxIsPermanent) {
  EXPECT_EQ(ClassifySmtpResult(CURLE_OK, 250).outcome, Outcome::kAccepted);
  SendResult r = ClassifySmtpResult(CURLE_COULDNT_CONNECT, 0);
  EXPECT_EQ(r.outcome, Outcome::kRetryLater);
  EXPECT_EQ(r.error, "connect failed");
  r = ClassifySmtpResult(CURLE_OPERATION_TIMEDOUT, 250);
  EXPECT_EQ(r.outcome, Outcome::kRetryLater);
  EXPECT_EQ(r.error, "timeout");
  r = ClassifySmtpResult(CURLE_SEND_ERROR, 451);
  EXPECT_EQ(r.outcome, Outcome::kRetryLater);
  EXPECT_EQ(r.error, "smtp 451");
  r = ClassifySmtpResult(CURLE_SEND_ERROR, 550);
  EXPECT_EQ(r.outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(r.error, "smtp 550");
  EXPECT_EQ(ClassifySmtpResult(CURLE_LOGIN_DENIED, 535).outcome, Outcome::kPermanentFailure);
  EXPECT_EQ(ClassifySmtpResult(CURLE_UNSUPPORTED_PROTOCOL, 0).outcome, Outcome::kPermanentFailure);
}

TEST(EmailAddress, OnlyPlainAddrSpecsPass) {
  EXPECT_TRUE(IsPlainEmailAddress("kunde@example.com"));
  EXPECT_TRUE(IsPlainEmailAddress("a.b+tag@sub.example.cn"));
  EXPECT_FALSE(IsPlainEmailAddress("kunde"));
  EXPECT_FALSE(IsPlainEmailAddress("@example.com"));
  EXPECT_FALSE(IsPlainEmailAddress("kunde@"));
  EXPECT_FALSE(IsPlainEmailAddress("a@b@c"));
  EXPECT_FALSE(IsPlainEmailAddress("kunde@example.com>\r\nRCPT TO:<x@y"));
  EXPECT_FALSE(IsPlainEmailAddress("张三@example.com"));
  EXPECT_FALSE(IsPlainEmailAddress("a b@example.com"));
}

TEST(EmailSend, RefusesInvalidMessagesWithoutCallingTheServer) {
  EmailSender sender(TestEmailConfig());
  OutgoingMessage m = TestEmail();
  m.address = "not-an-address";
  EXPECT_EQ(sender.Send(m).error, "invalid address");
  EXPECT_EQ(sender.Send(m).outcome, Outcome::kPermanentFailure);
  m = TestEmail();
  m.delivery_id = "<x>";
  EXPECT_EQ(sender.Send(m).error, "invalid delivery id");
  m = TestEmail();
  m.unsubscribe_url = "https://a.example/x>, <mailto:b@example.com";
  EXPECT_EQ(sender.Send(m).error, "invalid unsubscribe url");
}

TEST(SenderLogs, NameTheRecipientOnlyMasked) {
  std::string lines;
  log::Init("notification", log::Level::kDebug);
  log::SetSinkForTesting(&lines);
  SmsProvider sms(TestSmsConfig());
  OutgoingMessage text = TestSms();
  text.provider_template.clear();
  sms.Send(text);
  EmailSender email(TestEmailConfig());
  OutgoingMessage mail = TestEmail();
  mail.delivery_id = "<x>";
  email.Send(mail);
  log::SetSinkForTesting(nullptr);
  log::Init("notification", log::Level::kInfo);
  EXPECT_TRUE(absl::StrContains(lines, "138****8000")) << lines;
  EXPECT_FALSE(absl::StrContains(lines, "13800138000")) << lines;
  EXPECT_TRUE(absl::StrContains(lines, "k***@example.com")) << lines;
  EXPECT_FALSE(absl::StrContains(lines, "kunde@")) << lines;
  EXPECT_FALSE(absl::StrContains(lines, "张三")) << lines;
}

TEST(DeliveryId, AllowsLettersDigitsDashUnderscoreAndDot) {
  EXPECT_TRUE(IsValidDeliveryId("0f3a9c2e-7b1d_4e8a.9"));
  EXPECT_FALSE(IsValidDeliveryId(""));
  EXPECT_FALSE(IsValidDeliveryId("a@b"));
  EXPECT_FALSE(IsValidDeliveryId(std::string(129, 'a')));
}

}  // namespace
}  // namespace tousu::notification
