#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/validation/text.h"
#include "services/routing/domain/category_labels.h"
#include "services/routing/domain/classifier.h"
#include "services/routing/domain/classifier_evaluation.h"
#include "services/routing/domain/labelled_examples.h"
#include "services/routing/domain/tokenizer.h"

#ifndef TOUSU_ROUTING_EXAMPLES
#error "TOUSU_ROUTING_EXAMPLES must name deploy/routing/labelled-complaints.tsv"
#endif

namespace tousu::routing {
namespace {

using ::complaints::common::v1::Category;
using ::complaints::common::v1::CATEGORY_HANDOVER;
using ::complaints::common::v1::CATEGORY_PRODUCT_QUALITY;
using ::complaints::common::v1::CATEGORY_PROPERTY_SERVICE;
using ::complaints::common::v1::CATEGORY_SALES_SERVICE;
using ::complaints::common::v1::CATEGORY_UNSPECIFIED;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr Category kAll[] = {CATEGORY_PRODUCT_QUALITY, CATEGORY_SALES_SERVICE, CATEGORY_HANDOVER,
                             CATEGORY_PROPERTY_SERVICE};

// Whether the text has a character that normalisation changes, i.e. is written in Traditional.
bool IsTraditional(const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    validation::Utf8Step step = validation::DecodeUtf8(rest);
    if (step.valid && ToSimplified(step.code_point) != step.code_point) return true;
    rest.remove_prefix(step.length);
  }
  return false;
}

// The floor the issue sets: route by the policy's own words (§3), most matches wins.
Category KeywordRule(const std::string& text) {
  static const std::vector<std::pair<Category, std::vector<std::string>>> kKeywords = {
      {CATEGORY_PRODUCT_QUALITY,
       {"裂缝", "开裂", "渗漏", "渗水", "漏水", "变形", "门窗", "空鼓", "发霉", "质量"}},
      {CATEGORY_SALES_SERVICE,
       {"虚假宣传", "宣传", "承诺", "态度", "销售", "置业顾问", "广告", "优惠"}},
      {CATEGORY_HANDOVER, {"交付", "交房", "延期", "合同", "资料", "产权证", "不动产", "面积"}},
      {CATEGORY_PROPERTY_SERVICE, {"物业", "卫生", "垃圾", "保安", "安保", "维修", "收费", "电梯"}},
  };
  const std::string normalised = absl::StrJoin(Tokenize(text), "");
  Category best = CATEGORY_UNSPECIFIED;
  int best_hits = 0;
  for (const auto& [category, words] : kKeywords) {
    int hits = 0;
    for (const std::string& w : words) hits += normalised.find(w) != std::string::npos;
    if (hits > best_hits) {
      best = category;
      best_hits = hits;
    }
  }
  return best;
}

class RoutingClassifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::vector<LabelledExample>> examples =
        LoadLabelledExamples(TOUSU_ROUTING_EXAMPLES);
    ASSERT_TRUE(examples.ok()) << examples.status();
    examples_ = new std::vector<LabelledExample>(*std::move(examples));
    absl::StatusOr<Classifier> classifier = Classifier::Train(*examples_);
    ASSERT_TRUE(classifier.ok()) << classifier.status();
    classifier_ = new Classifier(*std::move(classifier));
  }
  static void TearDownTestSuite() {
    delete classifier_;
    classifier_ = nullptr;
    delete examples_;
    examples_ = nullptr;
  }

  static const std::vector<LabelledExample>& examples() { return *examples_; }
  static const Classifier& classifier() { return *classifier_; }

 private:
  static std::vector<LabelledExample>* examples_;
  static Classifier* classifier_;
};

std::vector<LabelledExample>* RoutingClassifierTest::examples_ = nullptr;
Classifier* RoutingClassifierTest::classifier_ = nullptr;

// --- The data set ------------------------------------------------------------------------------

TEST_F(RoutingClassifierTest, ShipsSeveralHundredExamplesWithAFifthHeldOut) {
  const int total = static_cast<int>(examples().size());
  int held_out = 0, traditional = 0, mixtures = 0;
  for (const LabelledExample& ex : examples()) {
    held_out += ex.held_out;
    traditional += IsTraditional(ex.text);
    mixtures += ex.secondary != CATEGORY_UNSPECIFIED;
  }
  EXPECT_GE(total, 400);
  EXPECT_NEAR(static_cast<double>(held_out) / total, 0.2, 0.03);
  EXPECT_NEAR(static_cast<double>(traditional) / total, 0.3, 0.1);
  EXPECT_GE(mixtures, total / 10);
  for (Category c : kAll) {
    for (bool split : {false, true}) {
      EXPECT_GE(std::count_if(examples().begin(), examples().end(),
                              [&](const LabelledExample& ex) {
                                return ex.category == c && ex.held_out == split;
                              }),
                20)
          << CategoryLabel(c) << (split ? " test" : " train");
    }
  }
  EXPECT_EQ(classifier().training_examples(), total - held_out);
}

// --- Accuracy (SPEC.md §3: "Accuracy is measured on held-out examples") ------------------------

TEST_F(RoutingClassifierTest, ClassifiesHeldOutComplaintsWithAccuracyAboveNinetyPercent) {
  const Evaluation e = Evaluate(classifier(), examples());
  std::cout << "held-out accuracy: " << e.correct << "/" << e.examples << " = " << std::fixed
            << std::setprecision(3) << e.accuracy << " (trained on "
            << classifier().training_examples() << ", vocabulary " << classifier().vocabulary_size()
            << ", temperature " << classifier().temperature() << ")\n";
  std::cout << "confusion (rows actual, columns predicted: none, quality, sales, handover, "
               "property):\n";
  for (Category actual : kAll) {
    std::cout << "  " << std::setw(16) << CategoryLabel(actual) << ":";
    for (int predicted = 0; predicted < 5; ++predicted) {
      std::cout << std::setw(4) << e.confusion[actual][predicted];
    }
    std::cout << "\n";
  }
  // Per script, so that a weak Traditional table shows up.
  for (bool traditional : {false, true}) {
    int n = 0, correct = 0;
    for (const LabelledExample& ex : examples()) {
      if (!ex.held_out || IsTraditional(ex.text) != traditional) continue;
      ++n;
      correct += classifier().Classify(ex.text).category == ex.category;
    }
    std::cout << (traditional ? "  Traditional: " : "  Simplified:  ") << correct << "/" << n
              << "\n";
  }
  // Measured 109/121 = 0.901 (10-fold cross-validation on the train rows: 0.944); the floor sits
  // just under it, so that a regression shows.
  std::cout << "held-out accuracy " << e.accuracy << " (floor 0.90)\n";
  EXPECT_GE(e.accuracy, 0.90);
}

TEST_F(RoutingClassifierTest, BeatsThePolicyKeywordRulesOnHeldOutComplaints) {
  int n = 0, keyword_correct = 0;
  for (const LabelledExample& ex : examples()) {
    if (!ex.held_out) continue;
    ++n;
    keyword_correct += KeywordRule(ex.text) == ex.category;
  }
  const Evaluation e = Evaluate(classifier(), examples());
  std::cout << "keyword rules: " << keyword_correct << "/" << n << ", classifier: " << e.correct
            << "/" << e.examples << "\n";
  EXPECT_GT(e.correct, keyword_correct);
}

// --- Confidence ------------------------------------------------------------------------------

TEST_F(RoutingClassifierTest, ScoresClearComplaintsHighlyInTheirOwnCategory) {
  const std::pair<const char*, Category> kClear[] = {
      {"卫生间墙面渗水，瓷砖后面全是霉斑，请派工程师来检查防水层。", CATEGORY_PRODUCT_QUALITY},
      {"主卧墙体开裂，裂缝越来越宽，窗户也漏水。", CATEGORY_PRODUCT_QUALITY},
      {"销售说小区旁边要建地铁站，结果规划里根本没有，这是虚假宣传。", CATEGORY_SALES_SERVICE},
      {"售楼处的置业顾问态度恶劣，承诺的购房优惠也不兑现。", CATEGORY_SALES_SERVICE},
      {"合同约定九月底交房，现在延期两个月了，也没有书面通知和违约金。", CATEGORY_HANDOVER},
      {"交房时没有给住宅质量保证书和使用说明书，房产证也迟迟办不下来。", CATEGORY_HANDOVER},
      {"小区保安晚上不巡逻，电动车接连被偷，物业也不调监控。", CATEGORY_PROPERTY_SERVICE},
      {"物业费涨价不公示，垃圾几天没人清运，电梯坏了一周没人修。", CATEGORY_PROPERTY_SERVICE},
  };
  for (const auto& [text, category] : kClear) {
    const Classification got = classifier().Classify(text);
    EXPECT_EQ(got.category, category) << text;
    EXPECT_GE(got.confidence, 0.8) << text;
  }
}

TEST_F(RoutingClassifierTest, GivesNoCategoryAndZeroConfidenceToTextWithNothingToGoOn) {
  for (const std::string text : {"", "   \n\t", "！！！？？。。。", "...!!!", "asdfghjkl qwerty",
                                 "😀😀👍", "\xFF\xFE\xC0\xAF"}) {
    const Classification got = classifier().Classify(text);
    EXPECT_EQ(got.category, CATEGORY_UNSPECIFIED) << text;
    EXPECT_EQ(got.confidence, 0) << text;
    EXPECT_THAT(got.others, IsEmpty()) << text;
  }
}

TEST_F(RoutingClassifierTest, GivesLowConfidenceToTextThatIsNotAComplaint) {
  for (const char* text : {"12345", "你好", "在吗？", "今天天气不错", "hello", "谢谢"}) {
    const Classification got = classifier().Classify(text);
    EXPECT_LT(got.confidence, 0.6) << text << " -> " << CategoryLabel(got.category);
  }
}

TEST_F(RoutingClassifierTest, ReportsProbabilitiesInZeroToOneAndOthersBestFirst) {
  for (const LabelledExample& ex : examples()) {
    const Classification got = classifier().Classify(ex.text);
    EXPECT_GE(got.confidence, 0.25) << ex.id;  // the best of four is at least a quarter
    EXPECT_LE(got.confidence, 1) << ex.id;
    double previous = 1;
    for (const CategoryScore& s : got.others) {
      EXPECT_NE(s.category, got.category) << ex.id;
      EXPECT_GE(s.probability, 0.2) << ex.id;  // the default other_threshold
      EXPECT_LE(s.probability, previous) << ex.id;
      previous = s.probability;
    }
    EXPECT_LE(got.others.size(), 3u) << ex.id;
  }
}

TEST_F(RoutingClassifierTest, IsCalibratedOnHeldOutComplaints) {
  // Mean confidence close to accuracy, and confident answers are right as often as they claim.
  const Evaluation e = Evaluate(classifier(), examples());
  int sure = 0, sure_correct = 0;
  for (const LabelledExample& ex : examples()) {
    if (!ex.held_out) continue;
    const Classification got = classifier().Classify(ex.text);
    if (got.confidence < 0.8) continue;
    ++sure;
    sure_correct += got.category == ex.category;
  }
  std::cout << "mean confidence " << e.mean_confidence << " vs accuracy " << e.accuracy
            << "; confidence >= 0.8: " << sure_correct << "/" << sure << " right\n";
  EXPECT_NEAR(e.mean_confidence, e.accuracy, 0.1);
  ASSERT_GT(sure, 0);
  EXPECT_GE(static_cast<double>(sure_correct) / sure, 0.9);
}

// --- Mixtures (§5: complaints touching several departments go to a supervisor) --------------

TEST_F(RoutingClassifierTest, ReportsTheSecondDepartmentOfAMixedComplaintAmongOtherCategories) {
  const Classification got = classifier().Classify(
      "交房延期了半年，违约金到现在也没赔，收房时还发现主卧墙面开裂、窗户渗水。");
  EXPECT_EQ(got.category, CATEGORY_HANDOVER);
  EXPECT_THAT(got.others, Contains(Field(&CategoryScore::category, CATEGORY_PRODUCT_QUALITY)));
}

TEST_F(RoutingClassifierTest, DetectsBothDepartmentsOfManyHeldOutMixturesAndFewFalseOnes) {
  // Bounds set from cross-validation on the training split (0.55 and 0.19), with room for the
  // small held-out sample: a regression shows, noise does not.
  const Evaluation e = Evaluate(classifier(), examples());
  std::cout << "held-out mixtures: both categories reported " << e.mixtures_both_detected << "/"
            << e.mixtures << ", secondary among others " << e.secondary_in_others << "/"
            << e.mixtures << "; single-department complaints with others " << e.singles_with_others
            << "/" << e.singles << "\n";
  ASSERT_GT(e.mixtures, 0);
  ASSERT_GT(e.singles, 0);
  EXPECT_GE(static_cast<double>(e.mixtures_both_detected) / e.mixtures, 0.35);
  EXPECT_LE(static_cast<double>(e.singles_with_others) / e.singles, 0.30);
}

TEST_F(RoutingClassifierTest, ReportsNoOthersForAClearSingleDepartmentComplaint) {
  EXPECT_THAT(classifier().Classify("小区保安晚上不巡逻，电动车接连被偷，物业也不调监控。").others,
              IsEmpty());
}

TEST_F(RoutingClassifierTest, OtherThresholdDecidesWhichCategoriesAreReported) {
  absl::StatusOr<Classifier> none = Classifier::Train(examples(), 1.0);
  absl::StatusOr<Classifier> all = Classifier::Train(examples(), 1e-9);
  ASSERT_TRUE(none.ok()) << none.status();
  ASSERT_TRUE(all.ok()) << all.status();
  const char* text = "交房延期了半年，收房时还发现主卧墙面开裂。";
  EXPECT_THAT(none->Classify(text).others, IsEmpty());
  EXPECT_EQ(all->Classify(text).others.size(), 3u);
}

// --- Traditional and Simplified Chinese ------------------------------------------------------

TEST_F(RoutingClassifierTest, GivesTraditionalAndSimplifiedVersionsOfAComplaintTheSameCategory) {
  const std::pair<const char*, const char*> kPairs[] = {
      {"卫生间墙面渗水，瓷砖后面全是霉斑，请派工程师来检查防水层。",
       "衛生間牆面滲水，瓷磚後面全是黴斑，請派工程師來檢查防水層。"},
      {"销售说小区旁边要建地铁站，结果规划里根本没有，这是虚假宣传。",
       "銷售說小區旁邊要建地鐵站，結果規劃裡根本沒有，這是虛假宣傳。"},
      {"合同约定九月底交房，现在延期两个月了，也没有书面通知和违约金。",
       "合同約定九月底交房，現在延期兩個月了，也沒有書面通知和違約金。"},
      {"小区保安晚上不巡逻，电动车接连被偷，物业也不调监控。",
       "小區保安晚上不巡邏，電動車接連被偷，物業也不調監控。"},
  };
  for (const auto& [simplified, traditional] : kPairs) {
    EXPECT_EQ(Tokenize(traditional), Tokenize(simplified)) << traditional;
    const Classification s = classifier().Classify(simplified);
    const Classification t = classifier().Classify(traditional);
    EXPECT_EQ(t.category, s.category) << traditional;
    EXPECT_DOUBLE_EQ(t.confidence, s.confidence) << traditional;
  }
}

TEST(Tokenize, MapsTraditionalAndVariantCharactersToSimplified) {
  EXPECT_EQ(ToSimplified(U'內'), U'内');
  EXPECT_EQ(ToSimplified(U'戶'), U'户');
  EXPECT_EQ(ToSimplified(U'裡'), U'里');
  EXPECT_EQ(ToSimplified(U'裏'), U'里');
  EXPECT_EQ(ToSimplified(U'説'), U'说');
  EXPECT_EQ(ToSimplified(U'黴'), U'霉');
  EXPECT_EQ(ToSimplified(U'臺'), U'台');
  // Simplified characters and everything else stay as they are.
  EXPECT_EQ(ToSimplified(U'么'), U'么');
  EXPECT_EQ(ToSimplified(U'台'), U'台');
  EXPECT_EQ(ToSimplified(U'漏'), U'漏');
  EXPECT_EQ(ToSimplified(U'a'), U'a');
}

TEST(Tokenize, SplitsClausesAtChinesePunctuationButNotInsideNumbers) {
  EXPECT_THAT(TokenizeClauses("交房延期，墙面开裂。裂缝1.5厘米、18:30漏水！！\n"),
              ElementsAre(ElementsAre("交", "房", "延", "期"), ElementsAre("墙", "面", "开", "裂"),
                          ElementsAre("裂", "缝", "0", "厘", "米"), ElementsAre("0", "漏", "水")));
  EXPECT_THAT(TokenizeClauses("，。！"), IsEmpty());
}

TEST(Tokenize, DropsPunctuationAndFoldsWidthCaseAndNumbers) {
  EXPECT_THAT(Tokenize("3棟1502室，Ｗｉ-Ｆｉ信號差！ APP報修 no reply"),
              ElementsAre("0", "栋", "0", "室", "wi", "fi", "信", "号", "差", "app", "报", "修",
                          "no", "reply"));
  EXPECT_THAT(Tokenize("B2层 5000元"), ElementsAre("b", "0", "层", "0", "元"));
  EXPECT_THAT(Tokenize("“漏水”……😀\xFF"), ElementsAre("漏", "水"));
  EXPECT_THAT(Tokenize(""), IsEmpty());
}

// --- Training uses the train split only ------------------------------------------------------

TEST_F(RoutingClassifierTest, NeverLearnsFromHeldOutExamples) {
  // Scramble every held-out label and text: the trained model must not change.
  std::vector<LabelledExample> scrambled = examples();
  for (LabelledExample& ex : scrambled) {
    if (!ex.held_out) continue;
    ex.category = ex.category == CATEGORY_HANDOVER ? CATEGORY_SALES_SERVICE : CATEGORY_HANDOVER;
    ex.text = "物业交房销售漏水";
  }
  absl::StatusOr<Classifier> other = Classifier::Train(scrambled);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->vocabulary_size(), classifier().vocabulary_size());
  EXPECT_EQ(other->temperature(), classifier().temperature());
  for (const LabelledExample& ex : examples()) {
    if (!ex.held_out) continue;
    EXPECT_EQ(other->Classify(ex.text).confidence, classifier().Classify(ex.text).confidence);
  }
}

TEST(ClassifierTrain, RefusesACategoryWithoutTrainingExamples) {
  std::vector<LabelledExample> examples = {
      {"a", CATEGORY_PRODUCT_QUALITY, CATEGORY_UNSPECIFIED, false, "墙面开裂"},
      {"b", CATEGORY_SALES_SERVICE, CATEGORY_UNSPECIFIED, false, "虚假宣传"},
      {"c", CATEGORY_HANDOVER, CATEGORY_UNSPECIFIED, false, "延期交房"},
      {"d", CATEGORY_PROPERTY_SERVICE, CATEGORY_UNSPECIFIED, true, "物业费太贵"},  // held out
  };
  absl::StatusOr<Classifier> c = Classifier::Train(examples);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("property_service"));
}

TEST(ClassifierTrain, RefusesAnOtherThresholdOutsideZeroToOne) {
  std::vector<LabelledExample> examples;
  for (Category c : kAll) examples.push_back({"x", c, CATEGORY_UNSPECIFIED, false, "文字"});
  for (double t : {0.0, -0.1, 1.5}) {
    EXPECT_EQ(Classifier::Train(examples, t).status().code(), absl::StatusCode::kInvalidArgument)
        << t;
  }
  EXPECT_TRUE(Classifier::Train(examples, 1.0).ok());
}

TEST(ClassifierTrain, LearnsFromATinySetAndStaysWithinZeroToOne) {
  std::vector<LabelledExample> examples = {
      {"a", CATEGORY_PRODUCT_QUALITY, CATEGORY_UNSPECIFIED, false, "墙面开裂漏水"},
      {"b", CATEGORY_SALES_SERVICE, CATEGORY_UNSPECIFIED, false, "销售虚假宣传"},
      {"c", CATEGORY_HANDOVER, CATEGORY_UNSPECIFIED, false, "延期交房"},
      {"d", CATEGORY_PROPERTY_SERVICE, CATEGORY_UNSPECIFIED, false, "物业费太贵"},
  };
  absl::StatusOr<Classifier> c = Classifier::Train(examples);
  ASSERT_TRUE(c.ok()) << c.status();
  const Classification got = c->Classify("墙面开裂");
  EXPECT_EQ(got.category, CATEGORY_PRODUCT_QUALITY);
  EXPECT_GT(got.confidence, 0.25);
  EXPECT_LE(got.confidence, 1);
}

// --- The data file format --------------------------------------------------------------------

TEST(ParseLabelledExamples, ReadsFieldsSkippingCommentsAndBlankLines) {
  absl::StatusOr<std::vector<LabelledExample>> got = ParseLabelledExamples(
      "\xEF\xBB\xBF# id\tcategory\tsecondary\tsplit\ttext\n"
      "\n"
      "t1\tproduct_quality\t-\ttrain\t墙面开裂\r\n"
      "t2\thandover\tproperty_service\ttest\t 交房要先交物业费 \n");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, "t1");
  EXPECT_EQ((*got)[0].category, CATEGORY_PRODUCT_QUALITY);
  EXPECT_EQ((*got)[0].secondary, CATEGORY_UNSPECIFIED);
  EXPECT_FALSE((*got)[0].held_out);
  EXPECT_EQ((*got)[0].text, "墙面开裂");
  EXPECT_EQ((*got)[1].category, CATEGORY_HANDOVER);
  EXPECT_EQ((*got)[1].secondary, CATEGORY_PROPERTY_SERVICE);
  EXPECT_TRUE((*got)[1].held_out);
  EXPECT_EQ((*got)[1].text, "交房要先交物业费");
}

TEST(ParseLabelledExamples, RejectsAMalformedLineNamingIt) {
  const std::pair<const char*, const char*> kBad[] = {
      {"t1\tproduct_quality\t-\ttrain", "want 5 tab-separated fields"},
      {"t1\tquality\t-\ttrain\t墙面开裂", "unknown category 'quality'"},
      {"t1\tproduct_quality\tsales\ttrain\t墙面开裂", "unknown secondary category 'sales'"},
      {"t1\tproduct_quality\tproduct_quality\ttrain\t墙面开裂", "repeats the category"},
      {"t1\tproduct_quality\t-\tdev\t墙面开裂", "unknown split 'dev'"},
      {"t1\tproduct_quality\t-\ttrain\t  ", "empty text"},
      {"\tproduct_quality\t-\ttrain\t墙面开裂", "empty id"},
      {"t1\tproduct_quality\t-\ttrain\t\xE5\xA2", "not valid UTF-8"},
      {"t0\thandover\t-\ttrain\t延期", "already used on line 2"},
      // Found by fuzz_classifier_data: a mark here became part of the id, and was taken for the
      // file's own once that example was written first.
      {"\xEF\xBB\xBFt1\tproduct_quality\t-\ttrain\t墙面开裂", "byte order mark"},
  };
  for (const auto& [line, message] : kBad) {
    absl::StatusOr<std::vector<LabelledExample>> got = ParseLabelledExamples(
        absl::StrCat("# header\nt0\thandover\t-\ttrain\t延期交房\n", line, "\n"));
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << line;
    EXPECT_THAT(got.status().message(), HasSubstr("line 3: ")) << line;
    EXPECT_THAT(got.status().message(), HasSubstr(message)) << line;
  }
}

TEST(LoadLabelledExamples, ReportsAMissingFileByPath) {
  absl::StatusOr<std::vector<LabelledExample>> got =
      LoadLabelledExamples("/nonexistent/labelled-complaints.tsv");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(got.status().message(), HasSubstr("/nonexistent/labelled-complaints.tsv"));
}

TEST(CategoryLabel, NamesEachCategoryAsTheDataFileDoes) {
  EXPECT_EQ(CategoryLabel(CATEGORY_PRODUCT_QUALITY), "product_quality");
  EXPECT_EQ(CategoryLabel(CATEGORY_SALES_SERVICE), "sales_service");
  EXPECT_EQ(CategoryLabel(CATEGORY_HANDOVER), "handover");
  EXPECT_EQ(CategoryLabel(CATEGORY_PROPERTY_SERVICE), "property_service");
  EXPECT_EQ(CategoryLabel(CATEGORY_UNSPECIFIED), "");
}

}  // namespace
}  // namespace tousu::routing
