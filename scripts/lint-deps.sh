#!/bin/sh
# make lint-deps: each third-party library is used by one module only, and
# calls flow one way (cli/, web/ -> export/, parser/ -> kb/).
status=0
check() { # HEADER-REGEX ALLOWED-FILES-REGEX
	bad=$(grep -lE "#include <($1)" kb/*.[ch] parser/*.[ch] export/*.[ch] \
		web/*.[ch] cli/*.[ch] 2>/dev/null | grep -vE "^($2)$")
	if [ -n "$bad" ]; then
		echo "lint-deps: <$1> outside its module: $bad"
		status=1
	fi
}
check 'sqlite3\.h' 'kb/.*'
check 'jansson\.h' 'parser/stix\.c|export/.*\.c'
check 'yaml\.h' 'parser/(yamldoc|frontmatter)\.c'
check 'git2\.h|git2/' 'parser/git2load\.h|parser/gitrepo\.c|export/vaultgit\.c'
# libgit2 is loaded on first use (parser/git2load.h) by its two users only.
bad=$(grep -l '#include "parser/git2load\.h"' kb/*.[ch] parser/*.[ch] \
	export/*.[ch] web/*.[ch] cli/*.[ch] |
	grep -vE '^(parser/git2load|parser/gitrepo|export/vaultgit)\.c$')
if [ -n "$bad" ]; then
	echo "lint-deps: parser/git2load.h outside its module: $bad"
	status=1
fi
check 'cmark-gfm' 'parser/markdown\.c|web/render\.c'
check 'zlib\.h' 'parser/input\.c'
# kb/ calls nothing above it; parser/ and export/ do not call cli/ or web/.
for f in kb/*.[ch]; do
	grep -lE '#include "(parser|export|web|cli)/' "$f"
done | sed 's/^/lint-deps: kb must not include upper layers: /' | grep . && status=1
for f in parser/*.[ch] export/*.[ch]; do
	grep -lE '#include "(web|cli)/' "$f"
done | sed 's/^/lint-deps: calls must flow down: /' | grep . && status=1
[ $status -eq 0 ] && echo "lint-deps: ok"
exit $status
