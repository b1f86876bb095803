#!/usr/bin/env bash
# Builds the course book into _build/html (what `make book` runs).
#
#   bash scripts/build-book.sh            # the book at the repository root
#   bash scripts/build-book.sh DIR        # another book (the tests build throwaway ones)
#   PUBLIC_REPOSITORY_URL=https://github.com/<owner>/<repo> bash scripts/build-book.sh
#                                         # with repository and issues buttons to a
#                                         # public, solution-free repository
#
# Every Sphinx warning fails the build (-W); --keep-going lists them all
# before failing rather than stopping at the first; -n also reports every
# reference that points nowhere. --all re-reads every page on every build, so
# a warning in an unchanged page is reported again instead of being
# forgotten after the first run; executed outputs still come from the
# jupyter cache, so this costs seconds, not a re-execution. A build with
# nothing new to read is skipped altogether (see below).
# A cell that raises fails the build through execute.raise_on_error in
# _config.yml.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="${1:-$repo_root}"
jupyter_book="$repo_root/.venv/bin/jupyter-book"
if [ ! -x "$jupyter_book" ]; then
    echo "build-book: $jupyter_book is missing; run 'make venv' first" >&2
    exit 1
fi
# Matplotlib keeps its font cache out of the user's home, so a first build
# on a fresh machine behaves like every later one.
export MPLCONFIGDIR="$source_dir/_build/.matplotlib"
mkdir -p "$MPLCONFIGDIR"
# The site links no repository unless a public one is named: the
# configuration is then _config.yml with that repository and its buttons on.
config_args=()
if [ -n "${PUBLIC_REPOSITORY_URL:-}" ]; then
    public_config="$source_dir/_build/_config.public.yml"
    mkdir -p "$source_dir/_build"
    (cd "$repo_root" && "$repo_root/.venv/bin/python" -m autograder.integrity.book_config \
        "$source_dir/_config.yml" "$PUBLIC_REPOSITORY_URL" "$public_config")
    config_args=(--config "$public_config")
fi
# A build whose inputs are those of the last successful one is skipped
# (scripts/book_inputs.py says what counts); FORCE_BUILD=1 builds anyway.
stamp="$source_dir/_build/.book-inputs"
inputs="$("$repo_root/.venv/bin/python" "$repo_root/scripts/book_inputs.py" "$source_dir")"
if [ -z "${FORCE_BUILD:-}" ] && [ -f "$source_dir/_build/html/index.html" ] &&
    [ "$(cat "$stamp" 2>/dev/null)" = "$inputs" ]; then
    echo "build-book: nothing changed since the last successful build of $source_dir/_build/html"
    exit 0
fi
rm -f "$stamp"
start=$SECONDS
"$jupyter_book" build "$source_dir" --builder html --all \
    --warningiserror --nitpick --keep-going ${config_args[@]+"${config_args[@]}"}
echo "$inputs" >"$stamp"
echo "build-book: built $source_dir/_build/html in $((SECONDS - start)) s"
