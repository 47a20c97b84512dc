#include "services/routing/domain/tokenizer.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "common/validation/text.h"

namespace tousu::routing {
namespace {

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

// Debian's Abseil has its own string_view; std code (the UTF-8 decoder) wants the standard one.
std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

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

}  // namespace

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
      word.assign(1, '0');  // not `= "0"`: GCC 12 at -O2 takes that for an overlapping memcpy
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

}  // namespace tousu::routing
