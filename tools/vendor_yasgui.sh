#!/usr/bin/env bash
# Vendors YASGUI, the SPARQL editor of /sparql, from the npm registry into
# site/assets/vendor/yasgui/: the built bundle (yasgui.min.js, yasgui.min.css, the
# only files it needs at run time), its licence, the notices of the libraries the
# bundle contains, and a README.md recording what was taken. Node is needed only
# here, never at run time. Re-runnable: it replaces the folder's files.
#
#   tools/vendor_yasgui.sh            # the version pinned below
#   tools/vendor_yasgui.sh 4.7.0      # another version (then update VERSION below)
#
# Needs npm (registry access), python3, openssl, tar.
set -euo pipefail

PACKAGE="@zazuko/yasgui"
VERSION="${1:-4.6.2}"
FILES=(yasgui.min.js yasgui.min.css)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/site/assets/vendor/yasgui"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "vendor_yasgui: $*" >&2; exit 1; }

cd "$WORK"
echo "fetching $PACKAGE@$VERSION from the npm registry"
TARBALL="$(npm pack --silent "$PACKAGE@$VERSION" 2>/dev/null | tail -n 1)"
[ -f "$TARBALL" ] || fail "npm pack gave no tarball"
INTEGRITY="$(npm view "$PACKAGE@$VERSION" dist.integrity 2>/dev/null)"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
[ "$INTEGRITY" = "$ACTUAL" ] || fail "tarball integrity $ACTUAL differs from the registry's $INTEGRITY"

tar xzf "$TARBALL"
LICENSE="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("license", ""))' package/package.json)"
[ "$LICENSE" = "MIT" ] || fail "the package's licence is '$LICENSE', not MIT: review before vendoring"
for file in "${FILES[@]}"; do
  [ -f "package/build/$file" ] || fail "package/build/$file is missing from the tarball"
done

# What the bundle may fetch: every call site is listed for review; sparql-editor.js
# turns off those that reach third parties (see the README written below).
echo "network call sites in the bundle's sources (review them):"
python3 - package/build/yasgui.min.js.map <<'PY'
import json, re, sys
sourcemap = json.load(open(sys.argv[1], encoding="utf-8"))
pattern = re.compile(r"\bfetch\(|XMLHttpRequest|sendBeacon|new WebSocket|importScripts|\$\.ajax")
for source, text in zip(sourcemap["sources"], sourcemap.get("sourcesContent") or []):
    for number, line in enumerate((text or "").splitlines(), 1):
        if pattern.search(line) and "node_modules" not in source:
            print(f"  {source.lstrip('./')}:{number}: {line.strip()[:110]}")
PY

# The libraries inside the bundle (its source map names them) and their licences,
# read from the dependency tree npm resolves for this version.
npm install --silent --ignore-scripts --no-audit --no-fund --omit=dev --prefix deps \
  "$PACKAGE@$VERSION" >/dev/null 2>&1 || fail "npm install of the dependency tree failed"
python3 - package/build/yasgui.min.js.map deps/node_modules "$PACKAGE@$VERSION" \
  > THIRD-PARTY-NOTICES.txt <<'PY'
import json, re, sys
from pathlib import Path

sourcemap, modules, package = json.load(open(sys.argv[1], encoding="utf-8")), Path(sys.argv[2]), sys.argv[3]
names = sorted({m.group(1) for s in sourcemap["sources"]
                if (m := re.search(r"node_modules/((?:@[^/]+/)?[^/]+)", s))})
print(f"Third-party software bundled in {package}'s build/yasgui.min.js (listed by its")
print("source map), with the licence texts of the versions npm resolves for it. Besides")
print("these, the bundle holds @zazuko/yasqe, @zazuko/yasr and @zazuko/yasgui-utils (MIT,")
print("same authors and licence as YASGUI: see LICENSE.txt).")
for name in names:
    folder = next((p for p in [modules / name, *modules.glob(f"*/node_modules/{name}")] if p.is_dir()), None)
    if folder is None:
        sys.exit(f"vendor_yasgui: {name} is in the bundle but not in the dependency tree")
    meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    declared = meta.get("license") or meta.get("licenses") or "see the licence text"
    print("\n" + "=" * 78)
    print(f"{name} {meta.get('version', '?')} — licence: {declared}")
    print("=" * 78)
    texts = sorted(p for p in folder.iterdir() if re.match(r"(licen[cs]e|copying)", p.name, re.I))
    if texts:
        print(texts[0].read_text(encoding="utf-8", errors="replace").strip())
    else:
        print(f"(the package ships no licence file; its package.json declares {declared})")
PY

mkdir -p "$DEST"
for file in "${FILES[@]}"; do
  cp "package/build/$file" "$DEST/$file"
done
cp THIRD-PARTY-NOTICES.txt "$DEST/THIRD-PARTY-NOTICES.txt"
# The tarball carries no licence file: package.json declares MIT; the text is the
# upstream repository's (github.com/TriplyDB/Yasgui, LICENSE.txt), which
# @zazuko/yasgui (github.com/rdfjs/Yasgui) forks.
UPSTREAM_LICENSE="$(ls package | grep -iE '^licen[cs]e' | head -n 1 || true)"
if [ -n "$UPSTREAM_LICENSE" ]; then
  cp "package/$UPSTREAM_LICENSE" "$DEST/LICENSE.txt"
else
  cat > "$DEST/LICENSE.txt" <<'TEXT'
YASGUI (@zazuko/yasgui, @zazuko/yasqe, @zazuko/yasr, @zazuko/yasgui-utils)
Authors: Triply <info@triply.cc>; contributors: Zazuko GmbH.
The npm packages declare the MIT licence ("license": "MIT" in package.json) but
carry no licence file; this is the licence text of the upstream repository
(https://github.com/TriplyDB/Yasgui, LICENSE.txt), which @zazuko/yasgui
(https://github.com/rdfjs/Yasgui) continues.

The MIT License (MIT)

Copyright © 2018 Ruben Taelman

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
TEXT
fi

checksums() {
  for file in "${FILES[@]}"; do
    echo "| \`$file\` | $(wc -c < "$DEST/$file") | \`$(openssl dgst -sha256 -r "$DEST/$file" | cut -d' ' -f1)\` |"
  done
}

cat > "$DEST/README.md" <<EOF
# YASGUI, vendored

The SPARQL editor of \`/sparql\` (query editor YASQE, results viewer YASR, tabs).
Written by \`tools/vendor_yasgui.sh\`: do not edit these files by hand.

| | |
|---|---|
| package | \`$PACKAGE\` (maintained fork of \`@triply/yasgui\`), https://www.npmjs.com/package/$PACKAGE |
| version | $VERSION |
| tarball | $(npm view "$PACKAGE@$VERSION" dist.tarball 2>/dev/null) |
| tarball integrity (npm) | \`$INTEGRITY\` (checked by the script) |
| licence | MIT (\`LICENSE.txt\`); bundled libraries: \`THIRD-PARTY-NOTICES.txt\` |

| file (from the tarball's \`package/build/\`, unchanged) | bytes | sha256 |
|---|---|---|
$(checksums)

These two files are all the bundle loads: the stylesheet has no \`url()\` and the
script loads no other script, font or image. The script's last line names a source
map that is not vendored (only the browser's developer tools ask for it).

## Network

By default the bundle's requests go only to the endpoint a tab queries, except:

* the \`property\` and \`class\` autocompleters ask lov.linkeddata.es: \`site/assets/sparql-editor.js\`
  keeps only the \`variables\` and \`prefixes\` ones;
* the \`prefixes\` autocompleter asks prefix.cc only if \`prefixCcApi\` is set (it is
  \`null\` by default: the prefixes bundled in the script are used);
* an endpoint catalogue (dbpedia, wikidata) and a CORS check when \`corsProxy\` is set:
  the editor lists only this server's endpoint and sets no proxy.

The page's Content-Security-Policy (\`default-src 'self'\`) would block any other request.

## Updating

\`\`\`sh
tools/vendor_yasgui.sh 4.x.y   # then set VERSION in the script to 4.x.y
npm view $PACKAGE version      # the latest version
\`\`\`

The script checks the tarball against the registry's integrity, refuses a licence
other than MIT, lists the bundle's network call sites for review and rewrites this
folder. Then run \`tests/pages/test_sparql_editor.py\`, \`tests/web/test_sparql_editor.py\`
and the browser tests of \`/sparql\`.
EOF

echo "vendored $PACKAGE@$VERSION into ${DEST#"$ROOT"/}"
