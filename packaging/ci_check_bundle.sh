#!/usr/bin/env bash
# Build the one-folder bundle and prove it works without Python: called by .ci/run after the
# tests. The bundle is copied out of the checkout and run from a folder outside it, in an
# environment emptied with `env -i` (an empty PATH, so no Python at all, HOME a fresh temporary
# folder, no PYTHONPATH): `--version`, `init`, `add`, `search`, `export summary` and the desktop
# app starting offscreen. Then the Linux install script, the desktop file and the AppStream
# metadata are checked. `--no-build` checks the existing dist/companion again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf 'bundle check: %s\n' "$*"; }
fail() { printf 'bundle check: FAILED: %s\n' "$*" >&2; exit 1; }

# PyInstaller needs binutils (objdump, strip); the checks need the validators. As root on a
# fresh machine, install what is missing (the usual image has binutils and appstream).
missing=()
command -v objdump >/dev/null 2>&1 || missing+=(binutils)
command -v appstreamcli >/dev/null 2>&1 || missing+=(appstream)
command -v desktop-file-validate >/dev/null 2>&1 || missing+=(desktop-file-utils)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

started=$SECONDS
if [ "${1:-}" = "--no-build" ]; then  # while working on this script: reuse dist/companion
  [ -x dist/companion/companion ] || fail "no dist/companion to check"
else
  python3 packaging/build.py --log-level WARN
fi
build_seconds=$((SECONDS - started))
expected=$(python3 -c 'import sys; sys.path.insert(0, "packaging"); import appinfo; print(appinfo.project_version())')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/run"
cp -a dist/companion "$work/app"  # relocated: nothing may point back into the checkout
size=$(du -sm "$work/app" | cut -f1)
bundled="$work/app/companion"

# The bundle runs with an empty PATH (so no python3 can be found, not even the system's), no
# PYTHONPATH, a fresh HOME, from a folder outside the checkout. install.sh gets the system's
# own tools, still without pyenv, virtualenvs or the checkout.
mkdir -p "$work/empty-path"
clean() {
  (cd "$work/run" && env -i PATH="$work/empty-path" HOME="$work/home" LANG=C.UTF-8 "$@")
}
with_tools() {
  (cd "$work/run" && env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "$@")
}
passphrase="bundle check $(date +%s) correct horse"

out=$(clean "$bundled" --version) || fail "--version exited $?"
[ "$out" = "companion $expected" ] || fail "--version said '$out', pyproject says $expected"
say "--version: $out"

vault="$work/home/vault"
printf '%s\n%s\n' "$passphrase" "$passphrase" \
  | clean "$bundled" --home "$vault" init --passphrase-stdin > "$work/init.txt" \
  || fail "init exited $?"
say "init: vault created"
id=$(printf '%s\n' "$passphrase" \
  | clean "$bundled" --home "$vault" add "Walk by the river" --tag walk --mood 4 \
      --passphrase-stdin) || fail "add exited $?"
say "add: $id"
hits=$(printf '%s\n' "$passphrase" \
  | clean "$bundled" --home "$vault" search river --passphrase-stdin) || fail "search exited $?"
grep -q "Walk by the river" <<<"$hits" || fail "search did not find the entry: $hits"
say "search: found it"

# The unlock session: the bundle starts its own agent (the bundled executable with a hidden
# first argument; there is no Python to run it with), a command uses it, lock ends it.
mkdir -m 700 "$work/runtime"
session() { clean XDG_RUNTIME_DIR="$work/runtime" "$bundled" --home "$vault" "$@"; }
printf '%s\n' "$passphrase" | session unlock --passphrase-stdin > /dev/null \
  || fail "unlock exited $?"
session list < /dev/null | grep -q "Walk by the river" || fail "list in a session did not work"
session lock | grep -q "^Ended the unlock session" || fail "lock did not end the session"
session status | grep -q "^No unlock session is open" || fail "the session outlived lock"
say "unlock session: unlock, list without a passphrase, lock"

# The PDF summary exercises what the import analysis is likeliest to miss (fpdf2's data files,
# fonttools, Pillow); checked where this version of the CLI has it.
if clean "$bundled" export --help | grep -q "summary"; then
  printf '%s\n' "$passphrase" \
    | clean "$bundled" --home "$vault" export summary -o "$work/summary.pdf" \
        --from "$(date -d "30 days ago" +%F)" --to "$(date +%F)" --passphrase-stdin > /dev/null \
    || fail "export summary exited $?"
  [ "$(head -c 5 "$work/summary.pdf")" = "%PDF-" ] || fail "export summary wrote no PDF"
  say "export summary: a PDF"
fi

# The desktop app on Qt's offscreen platform: it quits once its window is shown and says so.
gui=$(clean QT_QPA_PLATFORM=offscreen COMPANION_EXIT_AFTER_START=1 \
      "$(command -v timeout)" 120 "$bundled" --demo 2>"$work/gui.err") \
  || { cat "$work/gui.err" >&2; fail "the app did not start (exit $?)"; }
grep -q "window shown on offscreen, svg ok" <<<"$gui" \
  || { cat "$work/gui.err" >&2; fail "the app started but said: $gui"; }
say "app: ${gui#companion: }"

# Every library the X11 and Wayland plugins need is in the bundle or a usual system library.
plugins="$work/app/_internal/PySide6/Qt/plugins/platforms"
for plugin in "$plugins/libqxcb.so" "$plugins/libqwayland.so"; do
  if LD_LIBRARY_PATH="$work/app/_internal:$work/app/_internal/PySide6/Qt/lib" ldd "$plugin" \
      | grep "not found"; then
    fail "$(basename "$plugin") misses libraries"
  fi
done
say "platform plugins: all libraries found"

# Linux desktop integration: install for a user, validate what was installed, uninstall.
with_tools "$root/packaging/linux/install.sh" --bundle "$work/app" > /dev/null
desktop="$work/home/.local/share/applications/org.companionapp.Companion.desktop"
desktop-file-validate "$desktop"
[ "$(clean "$work/home/.local/bin/companion" --version)" = "companion $expected" ] \
  || fail "the installed companion does not run"
appstreamcli validate --no-net "$root/packaging/linux/org.companionapp.Companion.metainfo.xml" \
  > "$work/appstream.txt" || { cat "$work/appstream.txt" >&2; fail "AppStream metadata"; }
with_tools "$root/packaging/linux/install.sh" --uninstall > /dev/null
[ ! -e "$desktop" ] || fail "uninstall left the menu entry"
say "linux: install, desktop-file-validate, appstreamcli validate, uninstall"

say "OK: built in ${build_seconds} s, ${size} MiB"
