#pragma once
// Masking of personal data before it reaches logs, metrics or reports (PIPL).

#include <string>
#include <string_view>

namespace tousu::log {

// "13812341234" -> "138****1234"; landlines "010-12345678" -> "010****5678"; anything else keeps
// at most its last 4 digits: "****1234". Never returns the input unmasked.
// At least four digits are always hidden: "0931-8123456" -> "0931****456", "1234567" -> "****".
// The output holds only digits and '*', whatever the input held.
std::string MaskPhone(std::string_view phone);
// "zhang.san@example.com" -> "z***@example.com".
std::string MaskEmail(std::string_view email);
// UTF-8 aware: "张三" -> "张*", "欧阳娜娜" -> "欧***", "John Smith" -> "J*********".
std::string MaskName(std::string_view name);

}  // namespace tousu::log
