# Helpers shared by every service's CMakeLists.

# tousu_embed_migrations(<target> <dir>): compiles the numbered SQL files of <dir> into <target>,
# so a binary carries its own schema history and needs no files beside it at run time.
# Generates a function `const std::vector<tousu::db::MigrationFile>& <symbol>()`.
function(tousu_embed_migrations target symbol dir)
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${symbol}_migrations.cc")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} "-DFILES=${sql_files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake"
    COMMENT "Embedding migrations of ${dir}"
    VERBATIM)  # keeps the ';'-separated file list one argument
  target_sources(${target} PRIVATE "${out}")
endfunction()

# tousu_cc_test(<name> SOURCES ... LIBS ... [LABELS ...]): one GoogleTest binary registered with ctest.
function(tousu_cc_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${TOUSU_WARNINGS})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  if("integration" IN_LIST T_LABELS)
    # Services run in-process log to the test's own output: kept for the PII check (tests/pii).
    add_test(NAME ${name} COMMAND ${PROJECT_SOURCE_DIR}/tests/pii/keep_output.sh ${name} $<TARGET_FILE:${name}>)
  else()
    add_test(NAME ${name} COMMAND ${name})
  endif()
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# tousu_proto_library(<target> <import_root> <protos...>): messages and gRPC stubs in one library.
# Protos are named from <import_root> (complaints/...), so the generated headers keep that path.
# No APPEND_PATH: it would put each proto's own folder first on the import path and flatten the
# output. The CMakeLists calling this must live in <import_root>.
function(tousu_proto_library target import_root)
  set(protos ${ARGN})
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/gen")
  file(MAKE_DIRECTORY "${gen_dir}")
  add_library(${target} STATIC ${protos})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++)
  target_include_directories(${target} PUBLIC "${gen_dir}")
  protobuf_generate(TARGET ${target} LANGUAGE cpp IMPORT_DIRS "${import_root}"
                    PROTOC_OUT_DIR "${gen_dir}")
  get_target_property(grpc_cpp_plugin gRPC::grpc_cpp_plugin LOCATION)
  protobuf_generate(TARGET ${target} LANGUAGE grpc IMPORT_DIRS "${import_root}"
                    PROTOC_OUT_DIR "${gen_dir}"
                    GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
                    PLUGIN "protoc-gen-grpc=${grpc_cpp_plugin}")
endfunction()
