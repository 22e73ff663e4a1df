#!/bin/sh
# Install the Companion bundle for one user (default) or system-wide, with its menu entry,
# icons and AppStream metadata; `--uninstall` takes it all away again (the vault is never
# touched: it lives in ~/.local/share/Companion, not here).
#
#   packaging/linux/install.sh [--prefix DIR] [--bundle DIR] [--uninstall]
#
# --prefix defaults to ~/.local (no root needed); use /usr/local for every user. --bundle is
# the one-folder bundle: next to this script in a release archive (./companion), or the
# checkout's dist/companion after `python3 packaging/build.py`.
set -eu

APP_ID=org.companionapp.Companion
here=$(cd "$(dirname "$0")" && pwd)
prefix="${HOME:?HOME is not set}/.local"
bundle=""
uninstall=false
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --bundle) bundle=$2; shift 2 ;;
    --uninstall) uninstall=true; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

lib="$prefix/lib/companion"
bin="$prefix/bin/companion"
share="$prefix/share"
desktop="$share/applications/$APP_ID.desktop"

refresh_caches() {
  # Menus and icon themes pick up changes by themselves on most desktops; these make it
  # immediate where the tools exist.
  command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$share/applications" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$share/icons/hicolor/index.theme" ] \
    && gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
}

if $uninstall; then
  rm -rf "$lib"
  rm -f "$bin" "$desktop" "$share/metainfo/$APP_ID.metainfo.xml"
  rm -f "$share"/icons/hicolor/*/apps/"$APP_ID".png "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
  refresh_caches
  echo "Companion is uninstalled from $prefix (your vault is untouched)."
  exit 0
fi

if [ -z "$bundle" ]; then
  for candidate in "$here/companion" "$here/../../dist/companion"; do
    if [ -x "$candidate/companion" ]; then bundle=$candidate; break; fi
  done
fi
if [ -z "$bundle" ] || [ ! -x "$bundle/companion" ]; then
  echo "install.sh: no bundle found; build it with \`python3 packaging/build.py\` or give --bundle DIR" >&2
  exit 1
fi
bundle=$(cd "$bundle" && pwd)

mkdir -p "$prefix/lib" "$prefix/bin" "$share/applications" "$share/metainfo"
# Copy into a fresh folder, then swap, so a failed copy never leaves half an app behind.
rm -rf "$lib.new"
cp -R "$bundle" "$lib.new"
rm -rf "$lib"
mv "$lib.new" "$lib"
ln -sf "$lib/companion" "$bin"

# The menu entry runs the installed executable by its full path: ~/.local/bin is not on the
# desktop session's PATH everywhere.
sed "s|^Exec=companion|Exec=$bin|" "$here/$APP_ID.desktop" > "$desktop"
chmod 644 "$desktop"
cp "$here/$APP_ID.metainfo.xml" "$share/metainfo/"
for icon in "$here"/icons/hicolor/*/apps/"$APP_ID".*; do
  size_dir=$(basename "$(dirname "$(dirname "$icon")")")
  mkdir -p "$share/icons/hicolor/$size_dir/apps"
  cp "$icon" "$share/icons/hicolor/$size_dir/apps/"
done
refresh_caches
echo "Companion $("$bin" --version | cut -d' ' -f2) is installed in $prefix: find it in your"
echo "applications menu, or run $bin"
