#!/usr/bin/env bash
# A small horizontal bar chart as SVG, from tab-separated lines "label<TAB>value[<TAB>min<TAB>max]"
# (min and max draw a whisker). Usage: bash scripts/chart.sh TITLE UNIT INPUT.tsv OUTPUT.svg
set -euo pipefail
title=$1 unit=$2 input=$3 output=$4
awk -F'\t' -v title="$title" -v unit="$unit" '
  function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
  { label[NR] = $1; value[NR] = $2 + 0; low[NR] = ($3 == "" ? $2 : $3) + 0; high[NR] = ($4 == "" ? $2 : $4) + 0
    if (high[NR] > top) top = high[NR] }
  END {
    if (top <= 0) top = 1
    left = 230; width = 420; bar = 22; gap = 8; head = 34
    height = head + NR * (bar + gap) + 24
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", left + width + 90, height
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", esc(title)
    for (i = 1; i <= NR; i++) {
      y = head + (i - 1) * (bar + gap)
      w = value[i] / top * width
      color = (label[i] ~ /^autotls/) ? "#2b6cb0" : "#a0aec0"
      printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6, y + bar * 0.7, esc(label[i])
      printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", left, y, w, bar, color
      if (high[i] > low[i]) {
        x1 = left + low[i] / top * width; x2 = left + high[i] / top * width; m = y + bar / 2
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>\n", x1, m, x2, m
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>\n", x1, m - 5, x1, m + 5
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>\n", x2, m - 5, x2, m + 5
      }
      printf "<text x=\"%.1f\" y=\"%d\">%s %s</text>\n", left + (high[i] > value[i] ? high[i] : value[i]) / top * width + 6, y + bar * 0.7, value[i], unit
    }
    printf "</svg>\n"
  }' "$input" > "$output.tmp"
mv "$output.tmp" "$output"
