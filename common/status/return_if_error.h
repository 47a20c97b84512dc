#pragma once
// RETURN_IF_ERROR(expr): returns the absl::Status `expr` gives when it is not OK. For request
// checks and handlers that run several checks in a row.

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    if (auto _s = (expr); !_s.ok()) return _s; \
  } while (0)
