# Provides the static library tree_sitter_go: the tree-sitter-go grammar from
# the npm registry package, pinned at 0.23.4 (language ABI 14, which matches
# Debian's libtree-sitter 0.20). The package is fetched with `npm pack`,
# checked against its SHA-256 and compiled here; nothing generated is
# committed. Set CG_TREE_SITTER_GO_TARBALL to use a tarball already on disk.
set(CG_TSGO_VERSION 0.23.4)
set(CG_TSGO_SHA256 8779d20d322b4319ad8c833ea72ecb6d109cf1fec8979bdcdb5315a2e511dd2c)
set(CG_TREE_SITTER_GO_TARBALL "" CACHE FILEPATH "tree-sitter-go-${CG_TSGO_VERSION}.tgz to use instead of npm")

set(_tsgo_dir ${CMAKE_BINARY_DIR}/_deps/tree-sitter-go)
set(_tsgo_tgz ${_tsgo_dir}/tree-sitter-go-${CG_TSGO_VERSION}.tgz)
if(NOT EXISTS ${_tsgo_dir}/package/src/parser.c)
  file(MAKE_DIRECTORY ${_tsgo_dir})
  if(CG_TREE_SITTER_GO_TARBALL)
    file(COPY_FILE ${CG_TREE_SITTER_GO_TARBALL} ${_tsgo_tgz})
  else()
    find_program(CG_NPM npm REQUIRED)
    execute_process(COMMAND ${CG_NPM} pack --silent tree-sitter-go@${CG_TSGO_VERSION}
                    WORKING_DIRECTORY ${_tsgo_dir}
                    RESULT_VARIABLE _npm_rc OUTPUT_QUIET ERROR_VARIABLE _npm_err)
    if(NOT _npm_rc EQUAL 0)
      message(FATAL_ERROR "npm pack tree-sitter-go@${CG_TSGO_VERSION} failed: ${_npm_err}")
    endif()
  endif()
  file(SHA256 ${_tsgo_tgz} _tsgo_sum)
  if(NOT _tsgo_sum STREQUAL CG_TSGO_SHA256)
    message(FATAL_ERROR "tree-sitter-go tarball checksum mismatch: ${_tsgo_sum}")
  endif()
  file(ARCHIVE_EXTRACT INPUT ${_tsgo_tgz} DESTINATION ${_tsgo_dir}
       PATTERNS package/src/parser.c package/src/tree_sitter package/LICENSE)
endif()

add_library(tree_sitter_go STATIC ${_tsgo_dir}/package/src/parser.c)
target_include_directories(tree_sitter_go PRIVATE ${_tsgo_dir}/package/src)
# Generated code: our warning flags are not its business.
target_compile_options(tree_sitter_go PRIVATE -w)
