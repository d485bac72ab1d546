#!/bin/sh
# Makes the app's icons in client/public/ from mark.svg (Debian: apt-get install librsvg2-bin icoutils).
# The generated files are committed; run this again only after changing the mark.
set -eu
cd "$(dirname "$0")"
out=../public
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Variants of the mark: full-bleed square (iOS rounds the corners itself and shows transparency as
# black), maskable (the mark inside the central 80 % circle that every launcher mask keeps), and a
# small one for 16-48 px tabs without the outer arcs, which blur into the background at that size.
sed 's/rx="112" //' mark.svg >"$tmp/square.svg"
sed -e 's/rx="112" //' -e 's|<g id="mark">|<g id="mark" transform="translate(256 256) scale(0.76) translate(-256 -256)">|' mark.svg >"$tmp/maskable.svg"
grep -v 'opacity="0.75"' mark.svg >"$tmp/small.svg"

cp mark.svg "$out/icon.svg"
rsvg-convert -w 192 -h 192 mark.svg -o "$out/icon-192.png"
rsvg-convert -w 512 -h 512 mark.svg -o "$out/icon-512.png"
rsvg-convert -w 512 -h 512 "$tmp/maskable.svg" -o "$out/icon-maskable-512.png"
rsvg-convert -w 180 -h 180 "$tmp/square.svg" -o "$out/apple-touch-icon.png"
for size in 16 32 48; do rsvg-convert -w $size -h $size "$tmp/small.svg" -o "$tmp/favicon-$size.png"; done
icotool -c -o "$out/favicon.ico" "$tmp/favicon-16.png" "$tmp/favicon-32.png" "$tmp/favicon-48.png"
