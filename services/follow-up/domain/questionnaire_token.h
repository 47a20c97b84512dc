#pragma once
// The secret in a customer's questionnaire link. Only its SHA-256 is stored, so a database
// leak does not hand out working links.

#include <string>
#include <string_view>

namespace tousu::followup {

// 32 random bytes as unpadded base64url: 43 characters.
std::string NewQuestionnaireToken();
// Lower-case hex SHA-256 of the token text: what the database keeps.
std::string QuestionnaireTokenHash(std::string_view token);
// 43 characters of the base64url alphabet: anything else cannot be a token we issued.
bool IsWellFormedQuestionnaireToken(std::string_view token);

}  // namespace tousu::followup
