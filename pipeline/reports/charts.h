// Vector bar charts for the reports (internal to the reports stage), drawn with the
// render engine's Canvas path primitives: y axis with "nice" ticks and grid lines,
// category labels, optional value labels and a legend. Units: points, top-left origin.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "render/pdf.h"

namespace liaudit::reports::charts {

struct Series {
  std::string name;            // legend text
  std::vector<long> values;    // one per category; missing values count as 0
  render::Color color;
};

struct BarChart {
  std::string title;                      // drawn above the plot, bold
  std::string y_label;                    // unit of the axis, e.g. "查詢筆數"
  std::vector<std::string> categories;    // one group of bars each, left to right
  std::vector<Series> series;             // bars inside a group, left to right
  // Per-bar colours for single-series charts (e.g. by severity); empty = series colour.
  std::vector<render::Color> bar_colors;
  // Legend entries; empty = one entry per series when there is more than one series.
  std::vector<std::pair<std::string, render::Color>> legend;
  bool value_labels = true;               // print each bar's value above it when it fits
  std::string unit;                       // after each value in the alternative text ("件")
};

// The chart in words, the /Alt of its Figure element (tagged PDF): the title, then every
// value, e.g. "各規則異常件數：R01 12 件、R02 0 件" or, with several series,
// "各單位每月查詢筆數：7月：社會救助科 1,200 筆、…；8月：…".
std::string AltText(const BarChart& chart);

// The i-th colour of a qualitative palette that stays distinguishable in grey print.
render::Color Palette(size_t i);

// Draws `chart` inside `box` (frame included) on `c`, as one Figure whose alternative text
// is AltText(chart); text measured with `doc`.
void Draw(render::Canvas& c, render::Document& doc, const render::Box& box, const BarChart& chart);

}  // namespace liaudit::reports::charts
