#!/usr/bin/env bash
# Assembles _build/site, exactly what gets deployed (what `make site` runs
# after `make book`): the built book, whose assignments page carries the
# student downloads, minus Sphinx's build bookkeeping. The deploy workflows
# (.github/workflows/pages.yml, .gitlab-ci.yml) publish this folder as it is.
#
#   bash scripts/build-site.sh           # _build/html -> _build/site
#
# Nothing from the instructor's side may be in it: scripts/check_site.py
# fails the build if the site lacks a page or a download, or holds a file
# that only the instructor's checkout has (solutions, source notebooks,
# gradebook, seed, results).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
html="$repo_root/_build/html"
site="$repo_root/_build/site"
if [ ! -f "$html/index.html" ]; then
    echo "build-site: $html holds no built book; run 'make book' first" >&2
    exit 1
fi
rm -rf "$site"
mkdir -p "$site"
# .buildinfo is Sphinx's record of the configuration's hash, for its own
# incremental builds; reports/ holds execution logs of failed cells.
(cd "$html" && tar --exclude=./.buildinfo --exclude=./reports --exclude=./.doctrees -cf - .) |
    (cd "$site" && tar -xf -)
# GitHub Pages would otherwise run Jekyll on a branch deployment, which
# drops every folder whose name starts with "_" (_static, _downloads).
touch "$site/.nojekyll"
"$repo_root/.venv/bin/python" "$repo_root/scripts/check_site.py" "$site"
