#include "services/routing/domain/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/validation/text.h"

namespace tousu::routing {
namespace {

using ::complaints::common::v1::Category;

// Additive smoothing of the feature counts. Chosen by cross-validation on the training split
// (0.2 to 1.0 all within a point of accuracy); the held-out split played no part.
constexpr double kSmoothing = 0.5;

// The logistic regression (see Train). All chosen by 10-fold cross-validation on the training
// split (3 shuffles); the held-out split played no part.
// Character n-grams up to trigrams over the whole text (bigrams only: -0.6 points), and up to
// bigrams in the marked first and last clause (trigrams there: no change).
constexpr int kNgramOrder = 3;
constexpr int kClauseNgramOrder = 2;
// L2 penalty. 1e-4 and 3e-5 tie; 1e-3 and above lose 1 to 3 points.
constexpr double kL2 = 1e-4;
// Feature count below which a text's features are not scaled up further (see FeatureValue);
// about a 20-character complaint. No loss of accuracy up to 100 (-0.1 point at 200); texts that
// are not complaints ("你好", "今天天气不错") then stay under 0.6 confidence.
constexpr double kMinFeatures = 100;
// Full-batch accelerated gradient steps; 150 to 400 give the same accuracy.
constexpr int kSteps = 200;
// Folds of the out-of-fold scores that the temperature and the naive Bayes weight are fitted on.
constexpr int kInnerFolds = 5;
// Candidate weights of the naive Bayes log posterior added to the regression's logits; the one
// with the least out-of-fold log loss is used (0.03 to 0.07 on this data).
constexpr double kNaiveBayesWeights[] = {0, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3};

// Traditional (and Hong Kong/Taiwan variant) characters and their Simplified forms, as pairs,
// sorted by the Traditional code point. It covers the characters of the labelled complaints and
// the policy text, and every Traditional form of each Simplified character they use; checked
// against OpenCC's t2s tables (see deploy/routing/README.md). A few characters that OpenCC keeps
// because Simplified also uses them in rare words are mapped to their everyday Simplified
// form (著 着, 覆 复, 藉 借, 瞭 了, 乾 干, 於 于, 夥 伙, 祇 只, 帳 账).
constexpr std::string_view kTraditionalToSimplified =
    "並并乾干亂乱佈布佔占併并來来侷局係系俬私倉仓個个們们倖幸側侧偽伪備备傢家傳传傷伤"
    "傾倾僅仅價价儘尽償偿優优儲储兇凶兌兑兒儿內内兩两冊册凈净別别則则剛刚剝剥創创剷铲"
    "劃划劑剂動动務务勢势勵励勸劝勻匀匯汇區区協协卻却卽即參参員员唸念問问啓启啟启單单"
    "嗎吗嘩哗噁恶噴喷噹当嚇吓嚮向嚴严國国圍围園园圖图團团埰采執执堅坚報报場场塊块墻墙"
    "壓压壞坏夠够夥伙夾夹奬奖妝妆媯妫媽妈嫻娴孃娘學学寀采實实審审寫写寬宽將将專专尋寻"
    "對对導导屍尸層层屬属峯峰崗岗嵗岁師师帳账帶带幫帮幹干幾几庫库廚厨廠厂廢废廣广廳厅"
    "弔吊張张強强彆别彎弯彔录後后徑径從从復复徵征徹彻恆恒惡恶愛爱態态慮虑慼戚憑凭應应"
    "懷怀戶户抬擡拋抛捲卷掃扫掛挂採采換换損损搶抢摺折撥拨擊击擋挡擔担據据擠挤擰拧擺摆"
    "擾扰攝摄攤摊敍叙敎教敘叙數数斷断於于昇升時时暢畅暫暂曏向曬晒書书會会朮术東东枱台"
    "枴拐査查桿杆條条棄弃棟栋業业極极榦干構构樂乐樑梁樓楼標标樣样橋桥機机橫横檔档檢检"
    "檯台檻槛櫃柜櫥橱欄栏權权歲岁歸归殭僵殺杀殻壳殼壳氣气汙污決决沒没沖冲況况洩泄涼凉"
    "淨净淩凌減减測测湊凑溈沩準准溝沟溫温溼湿滅灭滲渗滿满漬渍漲涨漸渐漿浆潀潨潔洁潛潜"
    "澱淀濕湿濟济濱滨灑洒為为無无煙烟煩烦熱热燈灯燙烫營营燻熏爐炉爛烂爭争爲为牀床牆墙"
    "牽牵狀状獎奖獨独獻献現现環环產产産产畢毕異异當当痺痹發发盜盗盡尽監监盤盘眞真眾众"
    "睏困睪睾瞞瞒瞭了確确碼码磚砖祇只祕秘禮礼稅税稜棱種种稱称積积穩稳竄窜竈灶竪竖筆笔"
    "箇个節节範范築筑簡简簷檐簽签簾帘籌筹籠笼籤签粧妆糉粽糞粪糭粽糰团糾纠約约紅红紋纹"
    "納纳紙纸級级細细紹绍終终組组絆绊結结絕绝絡络給给統统絲丝絶绝綁绑綉绣綑捆經经綜综"
    "綠绿綫线維维網网緊紧緑绿緒绪線线編编緻致縫缝縮缩總总績绩織织繕缮繞绕繡绣繩绳繪绘"
    "繫系繳缴繼继續续纔才缽钵罰罚罵骂羣群翫玩翹翘聯联聲声職职聽听脩修脫脱脹胀腦脑腳脚"
    "膚肤膠胶臉脸臟脏臥卧臨临臺台與与興兴舉举舊旧華华菸烟萬万著着蒼苍蓋盖蔘参薦荐藉借"
    "處处虛虚號号蝕蚀蟲虫蠅蝇術术衕同衛卫衝冲衞卫裏里補补裝装裡里製制複复襬摆覆复覈核"
    "見见規规視视親亲覺觉覽览觀观觸触訂订計计討讨訓训託托記记訪访設设許许訴诉証证詐诈"
    "評评詢询試试話话該该詳详誇夸認认誘诱語语誠诚誤误說说説说誰谁調调談谈諉诿請请論论"
    "諮咨諾诺講讲譁哗證证識识譜谱譟噪議议護护譽誉讀读變变讓让豎竖貓猫負负財财貢贡貨货"
    "貫贯責责貴贵買买貸贷費费貼贴賃赁資资賙赒賠赔賣卖質质賬账購购贈赠趕赶趨趋踰逾踴踊"
    "蹤踪車车軌轨軟软較较載载輕轻輛辆輩辈輪轮輯辑轉转辦办迴回這这連连週周進进遊游運运"
    "過过達达違违遞递遠远適适遲迟遷迁選选遺遗還还邊边邏逻郵邮鄰邻釋释釐厘針针釦扣鈅钥"
    "鈎钩鈡钟鈴铃鉆钻鉤钩銀银銷销銹锈鋁铝鋪铺鋭锐鋼钢錄录錢钱錦锦錯错録录錶表鍊炼鍵键"
    "鍾钟鎖锁鏇旋鏈链鏟铲鏡镜鏽锈鐘钟鐵铁鑑鉴鑒鉴鑰钥鑽钻鑿凿長长門门閉闭開开間间閘闸"
    "閣阁閤合閥阀閱阅閲阅闆板關关陞升陽阳隊队階阶際际隨随險险隱隐隻只雙双雜杂離离難难"
    "電电霧雾靈灵靜静鞦秋韁缰韆千響响頁页頂顶項项順顺須须預预頓顿領领頭头頻频顆颗題题"
    "額额顎颚願愿類类顧顾顯显風风颱台颳刮飄飘飛飞飯饭飾饰養养饋馈馬马駁驳駡骂騎骑騙骗"
    "騷骚驅驱驗验髒脏體体髮发鬆松鬚须鯰鲶鰛鳁鹼碱鹽盐麪面麫面麵面麼么黃黄點点黴霉鼕冬"
    "齊齐齣出龍龙龜龟";

constexpr Category kCategoryByIndex[] = {
    complaints::common::v1::CATEGORY_PRODUCT_QUALITY,
    complaints::common::v1::CATEGORY_SALES_SERVICE,
    complaints::common::v1::CATEGORY_HANDOVER,
    complaints::common::v1::CATEGORY_PROPERTY_SERVICE,
};

// Debian's Abseil has its own string_view; std code (the UTF-8 decoder) wants the standard one.
std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// 0..3 for the four categories, nullopt for anything else.
std::optional<int> CategoryIndex(Category category) {
  for (int i = 0; i < 4; ++i) {
    if (kCategoryByIndex[i] == category) return i;
  }
  return std::nullopt;
}

std::optional<Category> ParseCategoryLabel(std::string_view label) {
  for (Category c : kCategoryByIndex) {
    if (label == CategoryLabel(c)) return c;
  }
  return std::nullopt;
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

using CharMap = std::vector<std::pair<char32_t, char32_t>>;

const CharMap& TraditionalToSimplifiedMap() {
  static const CharMap* const map = [] {
    auto* m = new CharMap;
    std::string_view rest = kTraditionalToSimplified;
    std::vector<char32_t> chars;
    while (!rest.empty()) {
      validation::Utf8Step step = validation::DecodeUtf8(rest);
      if (step.valid) chars.push_back(step.code_point);
      rest.remove_prefix(step.length);
    }
    for (size_t i = 0; i + 1 < chars.size(); i += 2) m->emplace_back(chars[i], chars[i + 1]);
    // Sorted here too, so that editing the table cannot silently break the binary search.
    std::sort(m->begin(), m->end());
    return m;
  }();
  return *map;
}

bool IsHan(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3007;  // 〇
}

// Punctuation, symbols, spaces, controls, emoji, private use: no meaning for the category.
// Without ICU this is a list of blocks; letters of other scripts stay tokens.
bool IsSeparator(char32_t c) {
  if (c < 0x80) return !absl::ascii_isalnum(static_cast<unsigned char>(c));
  return c <= 0xBF ||                       // C1 controls, Latin-1 punctuation and symbols
         (c >= 0x2000 && c <= 0x2BFF) ||    // general punctuation .. arrows and shapes
         (c >= 0x3000 && c <= 0x303F) ||    // CJK punctuation (〇 is checked before)
         (c >= 0x3200 && c <= 0x33FF) ||    // enclosed CJK, squared units (㎡)
         (c >= 0xE000 && c <= 0xF8FF) ||    // private use
         (c >= 0xFE00 && c <= 0xFE6F) ||    // variation selectors, vertical and small forms
         (c >= 0xFF00 && c <= 0xFFFF) ||    // full-width punctuation (letters folded before)
         (c >= 0x1F000 && c <= 0x1FAFF) ||  // emoji and pictographs
         c >= 0xE0000;                      // tags, variation selectors supplement
}

// Unigrams and bigrams of `tokens`, each prefixed by `tag`.
void AddNgrams(const std::vector<std::string>& tokens, absl::string_view tag,
               std::vector<std::string>& out) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    out.push_back(absl::StrCat(tag, tokens[i]));
    // ' ' is never part of a token, so "a b" cannot be mistaken for a unigram.
    if (i + 1 < tokens.size()) out.push_back(absl::StrCat(tag, tokens[i], " ", tokens[i + 1]));
  }
}

std::vector<std::string> SortedUnique(std::vector<std::string> features) {
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return features;
}

// Distinct features of one clause: its unigrams and bigrams. Presence, not counts: a complaint
// that repeats a word is not more of its category (binarised naive Bayes).
std::vector<std::string> ClauseFeatures(const std::vector<std::string>& clause) {
  std::vector<std::string> features;
  AddNgrams(clause, "", features);
  return SortedUnique(std::move(features));
}

// Distinct features of a whole complaint: unigrams and bigrams of all its tokens, plus those of
// its first and of its last clause again, tagged "^" and "$" (punctuation, so never in a token).
// Complaints tend to open with the problem and end with the demand; those clauses decide
// between two departments more often than the middle does (+0.7 to +1 point of accuracy in
// cross-validation on the training split).
std::vector<std::string> DocumentFeatures(const std::vector<std::vector<std::string>>& clauses) {
  std::vector<std::string> features;
  std::vector<std::string> tokens;
  for (const std::vector<std::string>& clause : clauses) {
    tokens.insert(tokens.end(), clause.begin(), clause.end());
  }
  AddNgrams(tokens, "", features);
  if (!clauses.empty()) {
    AddNgrams(clauses.front(), "^", features);
    AddNgrams(clauses.back(), "$", features);
  }
  return SortedUnique(std::move(features));
}

// Distinct features for the linear model: n-grams of order 1..`order` of all tokens, and of the
// first and last clause again under their own marks.
std::vector<std::string> LinearFeatures(const std::vector<std::vector<std::string>>& clauses,
                                        int order, int tag_order) {
  std::vector<std::string> features;
  auto add = [&features](const std::vector<std::string>& tokens, absl::string_view tag, int n) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string gram = absl::StrCat(tag, tokens[i]);
      features.push_back(gram);
      for (int k = 1; k < n && i + k < tokens.size(); ++k) {
        absl::StrAppend(&gram, " ", tokens[i + k]);
        features.push_back(gram);
      }
    }
  };
  std::vector<std::string> tokens;
  for (const std::vector<std::string>& clause : clauses) {
    tokens.insert(tokens.end(), clause.begin(), clause.end());
  }
  add(tokens, "", order);
  if (!clauses.empty() && tag_order > 0) {
    add(clauses.front(), "^", tag_order);
    add(clauses.back(), "$", tag_order);
  }
  return SortedUnique(std::move(features));
}

// The value of each present feature: 1 / sqrt(feature count), so that a complaint's vector has
// unit length, except that short texts count as kMinFeatures long. Otherwise a text of one or
// two words ("你好") would put all its weight on them and look as sure as a whole complaint.
double FeatureValue(size_t features) {
  return 1 / std::sqrt(std::max(static_cast<double>(features), kMinFeatures));
}

// Multinomial logistic regression on binary features (scaled by FeatureValue), by full-batch
// Nesterov-accelerated gradient descent for a fixed number of steps (deterministic).
// Loss: mean cross-entropy + l2/2 |W|^2 (the biases are not penalised).
struct SoftmaxModel {
  std::vector<std::array<double, 4>> w;
  std::array<double, 4> b{};
};

// The logits of a text with `features` (indices of known features) out of `feature_count`
// features in all: features unknown to the model still make the text longer.
std::array<double, 4> SoftmaxLogits(const std::vector<std::array<double, 4>>& w,
                                    const std::array<double, 4>& b,
                                    const std::vector<int>& features, size_t feature_count) {
  std::array<double, 4> z = b;
  if (features.empty()) return z;
  const double x = FeatureValue(feature_count);
  for (int f : features) {
    for (int c = 0; c < 4; ++c) z[c] += x * w[f][c];
  }
  return z;
}

SoftmaxModel TrainSoftmax(const std::vector<const std::vector<int>*>& docs,
                          const std::vector<int>& labels, int vocabulary, double l2, int steps) {
  SoftmaxModel m;
  m.w.assign(vocabulary, {});
  SoftmaxModel look = m;  // the look-ahead point the gradient is taken at
  SoftmaxModel grad;
  grad.w.assign(vocabulary, {});
  const double n = static_cast<double>(docs.size());
  // |x| <= 1 and the bias input is 1, so the loss's gradient is Lipschitz with constant at most
  // 1/2 (|x|^2 + 1) + l2 <= 1 + l2: the step 1 / (1 + l2) is safe.
  const double step = 1 / (1 + l2);
  double t = 1;
  for (int it = 0; it < steps; ++it) {
    for (auto& g : grad.w) g = {};
    grad.b = {};
    for (size_t d = 0; d < docs.size(); ++d) {
      const std::vector<int>& features = *docs[d];
      std::array<double, 4> z = SoftmaxLogits(look.w, look.b, features, features.size());
      const double top = *std::max_element(z.begin(), z.end());
      double sum = 0;
      for (double& v : z) sum += v = std::exp(v - top);
      for (int c = 0; c < 4; ++c) z[c] = (z[c] / sum - (c == labels[d])) / n;
      const double x = FeatureValue(features.size());
      for (int f : features) {
        for (int c = 0; c < 4; ++c) grad.w[f][c] += x * z[c];
      }
      for (int c = 0; c < 4; ++c) grad.b[c] += z[c];
    }
    const double t_next = (1 + std::sqrt(1 + 4 * t * t)) / 2;
    const double momentum = (t - 1) / t_next;
    t = t_next;
    for (int f = 0; f < vocabulary; ++f) {
      for (int c = 0; c < 4; ++c) {
        const double next = look.w[f][c] - step * (grad.w[f][c] + l2 * look.w[f][c]);
        look.w[f][c] = next + momentum * (next - m.w[f][c]);
        m.w[f][c] = next;
      }
    }
    for (int c = 0; c < 4; ++c) {
      const double next = look.b[c] - step * grad.b[c];
      look.b[c] = next + momentum * (next - m.b[c]);
      m.b[c] = next;
    }
  }
  return m;
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// Log of a probability for the "also concerns" model, floored so one clause cannot say -inf.
double LogFloor(double p) { return std::log(std::max(p, 1e-6)); }

// Logistic regression y ~ sigmoid(w0 x0 + w1 x1 + w2) by Newton's method; a small ridge keeps it
// finite when the points are separable (e.g. a tiny training set with no mixtures).
std::array<double, 3> FitLogistic(const std::vector<std::array<double, 2>>& x,
                                  const std::vector<bool>& y) {
  std::array<double, 3> w{};
  constexpr double kRidge = 1e-3;
  for (int iteration = 0; iteration < 100; ++iteration) {
    double g[3] = {kRidge * w[0], kRidge * w[1], kRidge * w[2]};
    double h[3][3] = {{kRidge, 0, 0}, {0, kRidge, 0}, {0, 0, kRidge}};
    for (size_t i = 0; i < x.size(); ++i) {
      const double v[3] = {x[i][0], x[i][1], 1};
      const double p = Sigmoid(w[0] * v[0] + w[1] * v[1] + w[2]);
      for (int a = 0; a < 3; ++a) {
        g[a] += (p - (y[i] ? 1 : 0)) * v[a];
        for (int b = 0; b < 3; ++b) h[a][b] += p * (1 - p) * v[a] * v[b];
      }
    }
    // Solve h * step = g by Gaussian elimination (h is symmetric positive definite).
    for (int col = 0; col < 3; ++col) {
      for (int row = col + 1; row < 3; ++row) {
        const double f = h[row][col] / h[col][col];
        for (int k = col; k < 3; ++k) h[row][k] -= f * h[col][k];
        g[row] -= f * g[col];
      }
    }
    double step[3];
    for (int row = 2; row >= 0; --row) {
      double sum = g[row];
      for (int k = row + 1; k < 3; ++k) sum -= h[row][k] * step[k];
      step[row] = sum / h[row][row];
    }
    double size = 0;
    for (int a = 0; a < 3; ++a) {
      w[a] -= step[a];
      size += std::abs(step[a]);
    }
    if (size < 1e-10) break;
  }
  return w;
}

std::array<double, 4> Softmax(const std::array<double, 4>& logits, double scale) {
  const double top = *std::max_element(logits.begin(), logits.end());
  std::array<double, 4> p{};
  double sum = 0;
  for (int c = 0; c < 4; ++c) {
    p[c] = std::exp(scale * (logits[c] - top));
    sum += p[c];
  }
  for (double& v : p) v /= sum;
  return p;
}

// The negative log-likelihood of `truth` under softmax(scale * logits), summed.
double LogLoss(const std::vector<std::array<double, 4>>& logits, const std::vector<int>& truth,
               double scale) {
  double total = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    total -= std::log(std::max(Softmax(logits[i], scale)[truth[i]], 1e-300));
  }
  return total;
}

// The 1/temperature that minimises LogLoss. That loss is convex in `scale`, so a golden-section
// search (over log scale, 1e-3 to 1e3) finds it.
double FitScale(const std::vector<std::array<double, 4>>& logits, const std::vector<int>& truth) {
  if (logits.empty()) return 1;
  auto loss = [&](double log_scale) { return LogLoss(logits, truth, std::exp(log_scale)); };
  double lo = std::log(1e-3), hi = std::log(1e3);
  constexpr double kGolden = 0.6180339887498949;
  for (int i = 0; i < 60; ++i) {
    const double a = hi - kGolden * (hi - lo);
    const double b = lo + kGolden * (hi - lo);
    if (loss(a) < loss(b)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  return std::exp((lo + hi) / 2);
}

absl::Status LineError(int line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", message));
}

}  // namespace

std::string_view CategoryLabel(Category category) {
  switch (category) {
    case complaints::common::v1::CATEGORY_PRODUCT_QUALITY:
      return "product_quality";
    case complaints::common::v1::CATEGORY_SALES_SERVICE:
      return "sales_service";
    case complaints::common::v1::CATEGORY_HANDOVER:
      return "handover";
    case complaints::common::v1::CATEGORY_PROPERTY_SERVICE:
      return "property_service";
    default:
      return "";
  }
}

absl::StatusOr<std::vector<LabelledExample>> ParseLabelledExamples(const std::string& tsv) {
  absl::string_view text = tsv;
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // editors' UTF-8 BOM
  std::vector<LabelledExample> examples;
  std::unordered_map<std::string, int> line_of_id;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    // A comment may be indented: fields are trimmed, so " #x" would otherwise become an id "#x"
    // that reads as a comment once the file is rewritten.
    if (absl::StripAsciiWhitespace(line).empty() ||
        absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "#")) {
      continue;
    }
    // Only the file may start with a byte order mark. One at a line's start (a file pasted into
    // another) would become part of the id, and vanish when that line is written first.
    if (absl::StartsWith(line, "\xEF\xBB\xBF")) {
      return LineError(line_no, "a byte order mark (U+FEFF) may only start the file");
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (fields.size() != 5) {
      return LineError(line_no, absl::StrCat("want 5 tab-separated fields (id, category, "
                                             "secondary, split, text), got ",
                                             fields.size()));
    }
    for (absl::string_view& f : fields) f = absl::StripAsciiWhitespace(f);
    LabelledExample ex;
    ex.id = std::string(fields[0]);
    if (ex.id.empty()) return LineError(line_no, "empty id");
    if (auto [it, inserted] = line_of_id.emplace(ex.id, line_no); !inserted) {
      return LineError(line_no, absl::StrCat("id ", ex.id, " already used on line ", it->second));
    }
    constexpr absl::string_view kCategories =
        "product_quality, sales_service, handover or property_service";
    std::optional<Category> category = ParseCategoryLabel(ToStd(fields[1]));
    if (!category) {
      return LineError(line_no,
                       absl::StrCat("unknown category '", fields[1], "' (want ", kCategories, ")"));
    }
    ex.category = *category;
    if (fields[2] != "-") {
      std::optional<Category> secondary = ParseCategoryLabel(ToStd(fields[2]));
      if (!secondary) {
        return LineError(line_no, absl::StrCat("unknown secondary category '", fields[2],
                                               "' (want '-' or ", kCategories, ")"));
      }
      if (*secondary == ex.category) {
        return LineError(line_no, "secondary category repeats the category; use '-'");
      }
      ex.secondary = *secondary;
    }
    if (fields[3] == "test") {
      ex.held_out = true;
    } else if (fields[3] != "train") {
      return LineError(line_no,
                       absl::StrCat("unknown split '", fields[3], "' (want train or test)"));
    }
    if (fields[4].empty()) return LineError(line_no, "empty text");
    if (!validation::Utf8Length(ToStd(fields[4])).has_value()) {
      return LineError(line_no, "text is not valid UTF-8");
    }
    ex.text = std::string(fields[4]);
    examples.push_back(std::move(ex));
  }
  return examples;
}

absl::StatusOr<std::vector<LabelledExample>> LoadLabelledExamples(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("labelled examples ", path, ": cannot open"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat("labelled examples ", path, ": read error"));
  }
  absl::StatusOr<std::vector<LabelledExample>> examples = ParseLabelledExamples(text.str());
  if (!examples.ok()) {
    return absl::Status(examples.status().code(), absl::StrCat("labelled examples ", path, ": ",
                                                               examples.status().message()));
  }
  return examples;
}

char32_t ToSimplified(char32_t c) {
  if (c < 0x3400) return c;
  const CharMap& map = TraditionalToSimplifiedMap();
  auto it = std::lower_bound(map.begin(), map.end(), std::make_pair(c, char32_t{0}));
  return it != map.end() && it->first == c ? it->second : c;
}

std::vector<std::vector<std::string>> TokenizeClauses(absl::string_view text) {
  std::vector<std::vector<std::string>> clauses(1);
  std::string word;  // a run of ASCII letters or digits not yet emitted
  auto flush = [&] {
    if (!word.empty()) clauses.back().push_back(std::move(word));
    word.clear();
  };
  auto end_clause = [&] {
    flush();
    if (!clauses.back().empty()) clauses.emplace_back();
  };
  std::string_view rest = ToStd(text);
  while (!rest.empty()) {
    const validation::Utf8Step step = validation::DecodeUtf8(rest);
    rest.remove_prefix(step.length);
    if (!step.valid) {
      flush();
      continue;
    }
    char32_t c = step.code_point;
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII (Ａ１％，) to ASCII
    if (c < 0x80 && absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      if (word == "0") flush();
      word.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (c < 0x80 && absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      // Numbers (room 1502, 3 months, 5000 yuan) say little about the category one by one.
      if (word != "0") flush();
      word = "0";
    } else if ((c == '.' || c == ':') && word == "0" && !rest.empty() &&
               absl::ascii_isdigit(static_cast<unsigned char>(rest.front()))) {
      // 1.5 cm, 18:30: one number, not two clauses.
    } else if (c == ',' || c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n' ||
               c == '\r' || c == 0x3001 || c == 0x3002 || c == 0x2026) {
      end_clause();  // ，。、；：！？ and … end a clause
    } else {
      flush();
      if (IsHan(c) || !IsSeparator(c)) {
        std::string token;
        AppendUtf8(ToSimplified(c), token);
        clauses.back().push_back(std::move(token));
      }
    }
  }
  flush();
  if (clauses.back().empty()) clauses.pop_back();
  return clauses;
}

std::vector<std::string> Tokenize(absl::string_view text) {
  std::vector<std::string> tokens;
  for (std::vector<std::string>& clause : TokenizeClauses(text)) {
    for (std::string& t : clause) tokens.push_back(std::move(t));
  }
  return tokens;
}

absl::StatusOr<Classifier> Classifier::Train(const std::vector<LabelledExample>& examples,
                                             double other_threshold) {
  if (!(other_threshold > 0 && other_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("other_threshold must be in (0, 1], got ", other_threshold));
  }
  Classifier model;
  model.other_threshold_ = other_threshold;

  // Each training document as sorted feature indices, whole and clause by clause.
  struct Doc {
    int label = 0;
    int secondary = -1;  // category index, -1 if none
    std::vector<int> features;
    std::vector<std::vector<int>> clauses;
  };
  auto index = [&model](std::vector<std::string> features) {
    std::vector<int> out;
    for (std::string& f : features) {
      auto [it, inserted] =
          model.feature_index_.emplace(std::move(f), static_cast<int>(model.feature_index_.size()));
      out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<Doc> docs;
  for (const LabelledExample& ex : examples) {
    if (ex.held_out) continue;
    std::optional<int> label = CategoryIndex(ex.category);
    if (!label) {
      return absl::InvalidArgumentError(
          absl::StrCat("example ", ex.id, ": no category (", static_cast<int>(ex.category), ")"));
    }
    Doc doc;
    doc.label = *label;
    doc.secondary = CategoryIndex(ex.secondary).value_or(-1);
    const std::vector<std::vector<std::string>> clauses = TokenizeClauses(ex.text);
    for (const std::vector<std::string>& clause : clauses) {
      doc.clauses.push_back(index(ClauseFeatures(clause)));
    }
    doc.features = index(DocumentFeatures(clauses));
    docs.push_back(std::move(doc));
  }

  const int vocabulary = static_cast<int>(model.feature_index_.size());
  std::vector<std::array<int, kCategories>> count(vocabulary);  // documents with the feature
  std::vector<int> doc_frequency(vocabulary);
  std::array<double, kCategories> total{};  // feature occurrences per category
  std::array<int, kCategories> doc_count{};
  for (const Doc& doc : docs) {
    for (int f : doc.features) {
      ++count[f][doc.label];
      ++doc_frequency[f];
    }
    total[doc.label] += doc.features.size();
    ++doc_count[doc.label];
  }
  for (int c = 0; c < kCategories; ++c) {
    if (doc_count[c] == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no training example for category ", std::string(CategoryLabel(kCategoryByIndex[c]))));
    }
  }

  const int n = static_cast<int>(docs.size());
  const double smoothed_vocabulary = kSmoothing * vocabulary;
  model.log_likelihood_.resize(vocabulary);
  for (int f = 0; f < vocabulary; ++f) {
    for (int c = 0; c < kCategories; ++c) {
      model.log_likelihood_[f][c] =
          std::log(count[f][c] + kSmoothing) - std::log(total[c] + smoothed_vocabulary);
    }
  }
  // Laplace-smoothed priors: a category with few examples is not ruled out.
  for (int c = 0; c < kCategories; ++c) {
    model.log_prior_[c] = std::log((doc_count[c] + 1.0) / (n + kCategories));
  }

  // Leave-one-out scores: each training document (and each of its clauses) scored by the model
  // trained without it, which is how the model meets a new complaint. Features that only this
  // document has are unknown then, as unseen features are in Classify.
  auto loo_logits = [&](const Doc& doc, const std::vector<int>& features, bool* any_known) {
    const int y = doc.label;
    std::array<double, kCategories> z{};
    for (int c = 0; c < kCategories; ++c) {
      z[c] = std::log((doc_count[c] - (c == y) + 1.0) / (n - 1 + kCategories));
    }
    const double own_total = std::log(total[y] - doc.features.size() + smoothed_vocabulary);
    *any_known = false;
    for (int f : features) {
      if (doc_frequency[f] == 1) continue;
      *any_known = true;
      for (int c = 0; c < kCategories; ++c) {
        z[c] += c == y ? std::log(count[f][c] - 1 + kSmoothing) - own_total
                       : model.log_likelihood_[f][c];
      }
    }
    return z;
  };

  // Naive Bayes posteriors are far too sure of themselves (features are not independent), so for
  // the "also concerns" model below the log posterior is divided by a temperature fitted on the
  // leave-one-out scores.
  std::vector<std::array<double, kCategories>> doc_logits;
  std::vector<int> labels;
  for (const Doc& doc : docs) {
    bool any_known;
    doc_logits.push_back(loo_logits(doc, doc.features, &any_known));
    labels.push_back(doc.label);
  }
  model.nb_scale_ = FitScale(doc_logits, labels);

  // The logistic regression over its own features (character 1-3-grams), trained on all the
  // training rows, and out-of-fold: each row scored by a model trained on the other folds
  // (fold = row number mod kInnerFolds, so training is deterministic). A model that saw a row
  // is far surer of it than of a new complaint, so only out-of-fold scores can calibrate.
  std::vector<std::vector<int>> lr_docs;
  for (const LabelledExample& ex : examples) {
    if (ex.held_out) continue;
    std::vector<int> out;
    for (std::string& f :
         LinearFeatures(TokenizeClauses(ex.text), kNgramOrder, kClauseNgramOrder)) {
      auto [it, inserted] =
          model.lr_index_.emplace(std::move(f), static_cast<int>(model.lr_index_.size()));
      out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    lr_docs.push_back(std::move(out));
  }
  const int lr_vocabulary = static_cast<int>(model.lr_index_.size());
  std::vector<std::array<double, kCategories>> lr_logits(n);
  {
    std::vector<const std::vector<int>*> all;
    for (const std::vector<int>& d : lr_docs) all.push_back(&d);
    SoftmaxModel full = TrainSoftmax(all, labels, lr_vocabulary, kL2, kSteps);
    model.lr_weights_ = std::move(full.w);
    model.lr_bias_ = full.b;
    for (int k = 0; k < kInnerFolds; ++k) {
      std::vector<const std::vector<int>*> in;
      std::vector<int> in_labels;
      for (int d = 0; d < n; ++d) {
        if (d % kInnerFolds == k) continue;
        in.push_back(&lr_docs[d]);
        in_labels.push_back(labels[d]);
      }
      const SoftmaxModel fold = TrainSoftmax(in, in_labels, lr_vocabulary, kL2, kSteps);
      // Features only the left-out rows have keep weight 0 in the fold model: unknown, as unseen
      // features are in Classify.
      for (int d = k; d < n; d += kInnerFolds) {
        lr_logits[d] = SoftmaxLogits(fold.w, fold.b, lr_docs[d], lr_docs[d].size());
      }
    }
  }

  // The two models are combined as regression logits + w * naive Bayes log posterior, over the
  // out-of-fold and leave-one-out scores: w is the candidate with the least log loss (each
  // with its best temperature), then the temperature is fitted for it.
  auto mix = [&](double nb_weight) {
    std::vector<std::array<double, kCategories>> out(n);
    for (int d = 0; d < n; ++d) {
      for (int c = 0; c < kCategories; ++c) {
        out[d][c] = lr_logits[d][c] + nb_weight * doc_logits[d][c];
      }
    }
    return out;
  };
  double best_loss = std::numeric_limits<double>::infinity();
  for (double w : kNaiveBayesWeights) {
    const std::vector<std::array<double, kCategories>> z = mix(w);
    const double loss = LogLoss(z, labels, FitScale(z, labels));
    if (loss < best_loss) {
      best_loss = loss;
      model.nb_weight_ = w;
    }
  }
  const std::vector<std::array<double, kCategories>> combined = mix(model.nb_weight_);
  model.scale_ = FitScale(combined, labels);

  // A second department shows in a clause ("...收房时还发现墙面开裂") more than in the whole text,
  // where the first department's words outvote it. So whether a complaint also concerns category
  // c is a logistic model of (log whole-text posterior of c, log best clause posterior of c), both
  // naive Bayes, fitted on the leave-one-out scores against the labels: primary or secondary. The
  // best category, which is not asked about, is the combined model's out-of-fold choice.
  std::vector<std::array<double, 2>> points;
  std::vector<bool> concerned;
  for (size_t d = 0; d < docs.size(); ++d) {
    const Doc& doc = docs[d];
    const std::array<double, kCategories> p = Softmax(doc_logits[d], model.nb_scale_);
    std::array<double, kCategories> clause_best{};
    bool any_clause = false;
    for (const std::vector<int>& clause : doc.clauses) {
      bool any_known;
      const std::array<double, kCategories> z = loo_logits(doc, clause, &any_known);
      if (!any_known) continue;
      any_clause = true;
      const std::array<double, kCategories> q = Softmax(z, model.nb_scale_);
      for (int c = 0; c < kCategories; ++c) clause_best[c] = std::max(clause_best[c], q[c]);
    }
    if (!any_clause) clause_best = p;
    const int best = static_cast<int>(std::max_element(combined[d].begin(), combined[d].end()) -
                                      combined[d].begin());
    for (int c = 0; c < kCategories; ++c) {
      if (c == best) continue;
      points.push_back({LogFloor(p[c]), LogFloor(clause_best[c])});
      concerned.push_back(c == doc.label || c == doc.secondary);
    }
  }
  model.also_weights_ = FitLogistic(points, concerned);
  model.training_examples_ = n;
  return model;
}

std::array<double, Classifier::kCategories> Classifier::Logits(
    const std::vector<std::string>& features, bool* any_known) const {
  std::array<double, kCategories> z = log_prior_;
  *any_known = false;
  for (const std::string& f : features) {
    auto it = feature_index_.find(f);
    if (it == feature_index_.end()) continue;  // unseen in training: no evidence either way
    *any_known = true;
    for (int c = 0; c < kCategories; ++c) z[c] += log_likelihood_[it->second][c];
  }
  return z;
}

Classification Classifier::Classify(absl::string_view text) const {
  Classification result;
  const std::vector<std::vector<std::string>> clauses = TokenizeClauses(text);
  bool any_known;
  const std::array<double, kCategories> nb = Logits(DocumentFeatures(clauses), &any_known);
  if (!any_known) return result;

  const std::vector<std::string> features = LinearFeatures(clauses, kNgramOrder, kClauseNgramOrder);
  std::vector<int> lr_features;
  for (const std::string& f : features) {
    auto it = lr_index_.find(f);
    if (it != lr_index_.end()) lr_features.push_back(it->second);
  }
  std::array<double, kCategories> z =
      SoftmaxLogits(lr_weights_, lr_bias_, lr_features, features.size());
  for (int c = 0; c < kCategories; ++c) z[c] += nb_weight_ * nb[c];
  const std::array<double, kCategories> combined = Softmax(z, scale_);
  const int best =
      static_cast<int>(std::max_element(combined.begin(), combined.end()) - combined.begin());
  result.category = kCategoryByIndex[best];
  result.confidence = combined[best];
  const std::array<double, kCategories> p = Softmax(nb, nb_scale_);

  std::array<double, kCategories> clause_best{};
  bool any_clause = false;
  for (const std::vector<std::string>& clause : clauses) {
    bool clause_known;
    const std::array<double, kCategories> zc = Logits(ClauseFeatures(clause), &clause_known);
    if (!clause_known) continue;
    any_clause = true;
    const std::array<double, kCategories> q = Softmax(zc, nb_scale_);
    for (int c = 0; c < kCategories; ++c) clause_best[c] = std::max(clause_best[c], q[c]);
  }
  if (!any_clause) clause_best = p;
  for (int c = 0; c < kCategories; ++c) {
    if (c == best) continue;
    const double also = Sigmoid(also_weights_[0] * LogFloor(p[c]) +
                                also_weights_[1] * LogFloor(clause_best[c]) + also_weights_[2]);
    if (also >= other_threshold_) result.others.push_back({kCategoryByIndex[c], also});
  }
  std::sort(
      result.others.begin(), result.others.end(),
      [](const CategoryScore& a, const CategoryScore& b) { return a.probability > b.probability; });
  return result;
}

Evaluation Classifier::Evaluate(const std::vector<LabelledExample>& examples) const {
  Evaluation e;
  double confidence_sum = 0;
  for (const LabelledExample& ex : examples) {
    if (!ex.held_out) continue;
    const Classification got = Classify(ex.text);
    ++e.examples;
    e.correct += got.category == ex.category;
    confidence_sum += got.confidence;
    const int actual = static_cast<int>(ex.category);
    if (actual >= 0 && actual < 5) ++e.confusion[actual][static_cast<int>(got.category)];
    auto detected = [&got](Category c) {
      return got.category == c ||
             std::any_of(got.others.begin(), got.others.end(),
                         [c](const CategoryScore& s) { return s.category == c; });
    };
    if (ex.secondary != complaints::common::v1::CATEGORY_UNSPECIFIED) {
      ++e.mixtures;
      e.secondary_in_others += got.category != ex.secondary && detected(ex.secondary);
      e.mixtures_both_detected += detected(ex.category) && detected(ex.secondary);
    } else {
      ++e.singles;
      e.singles_with_others += !got.others.empty();
    }
  }
  if (e.examples > 0) {
    e.accuracy = static_cast<double>(e.correct) / e.examples;
    e.mean_confidence = confidence_sum / e.examples;
  }
  return e;
}

}  // namespace tousu::routing
