#!/usr/bin/env bash
# The Go front-end owns tree-sitter: only src/gofront/gofile.c parses and
# lowers its tree (gofront/goast.h); every later stage reads the lowered tree
# through typed accessors, so a misspelled node kind is a compile error
# instead of a rule that silently never fires. Fails on any tree-sitter
# include or call elsewhere under src/.
set -euo pipefail
src="$1/src"
offenders=$(grep -rnE '#include *<tree_sitter/|\bts_(node|tree|parser|language)_[a-z_]+ *\(|\bTS(Node|Tree|TreeCursor|Point|Parser)\b' \
              --include='*.c' --include='*.h' "$src" | grep -v "^$src/gofront/gofile.c:" || true)
if [ -n "$offenders" ]; then
  echo "tree-sitter used outside src/gofront/gofile.c:" >&2
  echo "$offenders" >&2
  exit 1
fi
echo "layering: tree-sitter is used by src/gofront/gofile.c only"
