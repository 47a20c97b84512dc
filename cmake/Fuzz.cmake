# The libFuzzer build (TOUSU_FUZZ=ON): only the parsers and request validators the harnesses of
# tests/fuzz need, compiled by clang with AddressSanitizer, UndefinedBehaviorSanitizer and
# libFuzzer's coverage instrumentation. It lives in its own build directory (build-fuzz, made by
# tools/fuzz or tools/fuzz-lib.sh's fuzz_build) beside the GCC build of everything else; the
# Debian libraries (protobuf 3.21, Abseil 20220623, OpenSSL) are GCC-built and link fine with
# clang code through libstdc++.
#
# Included by the top-level CMakeLists.txt, which returns right after: no services, no gRPC, no
# database, no GoogleTest.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "TOUSU_FUZZ=ON needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ in a separate build directory (tools/fuzz)")
endif()

find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)

# -O1 keeps the build quick and the stacks readable; asserts stay on (no NDEBUG).
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only")
set(TOUSU_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
add_compile_options(${TOUSU_FUZZ_SANITIZERS} -fsanitize=fuzzer-no-link -fno-omit-frame-pointer)
add_link_options(${TOUSU_FUZZ_SANITIZERS})

# Messages only (the harnesses parse requests, they never call a server): no gRPC stubs, and only
# the areas whose requests are fuzzed (protobuf code is most of this build's time). Same name and
# layout as the main build's tousu_proto, so proto/CMakeLists.txt serves both.
function(tousu_proto_library target import_root)
  set(protos ${ARGN})
  list(FILTER protos INCLUDE REGEX
       "/complaints/(common|intake|staff|casehandling|routing|followup|analytics)/")
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/gen")
  file(MAKE_DIRECTORY "${gen_dir}")
  add_library(${target} STATIC ${protos})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
  target_include_directories(${target} PUBLIC "${gen_dir}")
  protobuf_generate(TARGET ${target} LANGUAGE cpp IMPORT_DIRS "${import_root}"
                    PROTOC_OUT_DIR "${gen_dir}")
endfunction()
add_subdirectory(proto)

set(_src "${PROJECT_SOURCE_DIR}")
# common/: the calendar, config, subscriptions and text-validation code, and what they log with.
add_library(tousu_fuzz_base STATIC
  ${_src}/common/time/clock.cc
  ${_src}/common/time/business_calendar.cc
  ${_src}/common/config/config.cc
  ${_src}/common/log/log.cc
  ${_src}/common/log/mask.cc
  ${_src}/common/validation/text.cc
  ${_src}/common/events/subscriptions.cc)
target_include_directories(tousu_fuzz_base PUBLIC "${_src}")
target_link_libraries(tousu_fuzz_base PUBLIC absl::status absl::statusor absl::strings absl::time
                      absl::civil_time absl::str_format absl::synchronization Threads::Threads)

# Request validation of intake (submission, list filters and page tokens, complaint numbers).
add_library(tousu_fuzz_intake STATIC
  ${_src}/services/intake/domain/submission.cc
  ${_src}/services/intake/domain/complaint_number.cc
  ${_src}/services/intake/domain/fingerprint.cc
  ${_src}/services/intake/domain/listing.cc)
target_link_libraries(tousu_fuzz_intake PUBLIC tousu_fuzz_base tousu_proto PRIVATE OpenSSL::Crypto)

# Request validation of the staff directory (staff-assessment).
add_library(tousu_fuzz_staff STATIC ${_src}/services/staff-assessment/domain/directory.cc)
target_link_libraries(tousu_fuzz_staff PUBLIC tousu_fuzz_base tousu_proto)

# Routing's classifier (its data-file parser and the model over request text) and its request
# validation.
add_library(tousu_fuzz_routing STATIC
  ${_src}/services/routing/domain/category_labels.cc
  ${_src}/services/routing/domain/labelled_examples.cc
  ${_src}/services/routing/domain/tokenizer.cc
  ${_src}/services/routing/domain/model_fitting.cc
  ${_src}/services/routing/domain/classifier.cc
  ${_src}/services/routing/domain/classifier_evaluation.cc
  ${_src}/services/routing/domain/request_checks.cc)
target_link_libraries(tousu_fuzz_routing PUBLIC tousu_fuzz_base tousu_proto)

# Request validation of case-handling, follow-up (with its task page tokens and questionnaire
# tokens) and analytics.
add_library(tousu_fuzz_case_handling STATIC
  ${_src}/services/case-handling/domain/request_checks.cc)
target_link_libraries(tousu_fuzz_case_handling PUBLIC tousu_fuzz_base tousu_proto)
add_library(tousu_fuzz_follow_up STATIC
  ${_src}/services/follow-up/domain/request_checks.cc
  ${_src}/services/follow-up/domain/questionnaire_token.cc)
target_link_libraries(tousu_fuzz_follow_up PUBLIC tousu_fuzz_base tousu_proto
                      PRIVATE OpenSSL::Crypto)
add_library(tousu_fuzz_analytics STATIC
  ${_src}/services/analytics/domain/request_checks.cc
  ${_src}/services/analytics/domain/rules.cc)
target_link_libraries(tousu_fuzz_analytics PUBLIC tousu_fuzz_base tousu_proto)

# Callers' tokens: our checks around libjwt (a GCC-built C library, linked as is).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBJWT REQUIRED IMPORTED_TARGET libjwt)
add_library(tousu_fuzz_auth STATIC
  ${_src}/common/auth/caller.cc
  ${_src}/common/auth/token_verifier.cc
  ${_src}/common/auth/token_minter.cc)
target_link_libraries(tousu_fuzz_auth PUBLIC tousu_fuzz_base PkgConfig::LIBJWT OpenSSL::Crypto)

add_subdirectory(tests/fuzz)
