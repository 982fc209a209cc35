# Script mode: cmake -DDOCS_DIR=... -DOUTPUT=... -P EmbedDocs.cmake
# Turns docs/rules/CGnnn.md into a C table so `cgoguard explain` and the SARIF
# help text print exactly the doc a reader sees in the repository.
file(GLOB _docs ${DOCS_DIR}/CG*.md)
list(SORT _docs)
set(_out "/* Generated from docs/rules by cmake/EmbedDocs.cmake. Do not edit. */\n")
string(APPEND _out "#include <stddef.h>\n#include <string.h>\n\n")
set(_table "")
foreach(_doc IN LISTS _docs)
  get_filename_component(_id ${_doc} NAME_WE)
  file(READ ${_doc} _hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(APPEND _out "static const char doc_${_id}[] = {${_bytes}0};\n")
  string(APPEND _table "    {\"${_id}\", doc_${_id}},\n")
endforeach()
string(APPEND _out "\nstatic const struct { const char *id; const char *text; } docs[] = {\n${_table}    {NULL, NULL},\n};\n\n")
string(APPEND _out "const char *cg_rule_doc(const char *id) {\n    for (size_t i = 0; docs[i].id; i++)\n        if (strcmp(docs[i].id, id) == 0) return docs[i].text;\n    return NULL;\n}\n")
file(WRITE ${OUTPUT}.tmp "${_out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
