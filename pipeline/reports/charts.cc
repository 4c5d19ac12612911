#include "reports/charts.h"

#include <algorithm>
#include <cmath>

namespace liaudit::reports::charts {

using render::Box;
using render::Color;
using render::HAlign;
using render::LineStyle;
using render::TextStyle;
using render::VAlign;

namespace {

// Tick step of 1, 2 or 5 times a power of ten giving about `target` intervals.
long NiceStep(long max_value, int target) {
  if (max_value <= 0) return 1;
  const double raw = static_cast<double>(max_value) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  }
  return std::max(1L, static_cast<long>(std::llround(step)));
}

TextStyle Label(double size, HAlign align, VAlign valign) {
  TextStyle s;
  s.size = size;
  s.align = align;
  s.valign = valign;
  s.wrap = true;
  s.shrink_to_fit = true;
  s.min_size = 5;
  s.padding = 0;
  s.leading = 1.2;
  return s;
}

std::string Thousands(long v) {
  std::string d = std::to_string(v), out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0 && d[i - 1] != '-') out.push_back(',');
    out.push_back(d[i]);
  }
  return out;
}

}  // namespace

Color Palette(size_t i) {
  // Tableau-like muted hues ordered so neighbours differ in lightness too.
  static const Color kColors[] = {
      {0.16, 0.33, 0.55}, {0.89, 0.55, 0.20}, {0.30, 0.58, 0.36}, {0.75, 0.25, 0.25},
      {0.52, 0.42, 0.68}, {0.55, 0.38, 0.30}, {0.82, 0.47, 0.65}, {0.45, 0.45, 0.45},
      {0.64, 0.66, 0.20}, {0.18, 0.62, 0.68},
  };
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

namespace {
void DrawFigure(render::Canvas& c, render::Document& doc, const Box& box, const BarChart& chart);
}  // namespace

std::string AltText(const BarChart& chart) {
  std::string out = chart.title.empty() ? chart.y_label : chart.title;
  const std::string unit = chart.unit.empty() ? "" : " " + chart.unit;
  auto value = [&](const Series& s, size_t ci) { return Thousands(ci < s.values.size() ? s.values[ci] : 0) + unit; };
  for (size_t ci = 0; ci < chart.categories.size(); ++ci) {
    out += ci == 0 ? "：" : chart.series.size() > 1 ? "；" : "、";
    if (chart.series.size() == 1) {
      out += chart.categories[ci] + " " + value(chart.series[0], ci);
      continue;
    }
    out += chart.categories[ci] + "：";
    for (size_t si = 0; si < chart.series.size(); ++si)
      out += (si ? "、" : "") + chart.series[si].name + " " + value(chart.series[si], ci);
  }
  return out;
}

void Draw(render::Canvas& c, render::Document& doc, const Box& box, const BarChart& chart) {
  c.BeginFigure(AltText(chart));
  DrawFigure(c, doc, box, chart);
  c.EndFigure();
}

namespace {

void DrawFigure(render::Canvas& c, render::Document& doc, const Box& box, const BarChart& chart) {
  const double pad = 8;
  c.StrokeRect(box, LineStyle{0.5, Color::Gray(0.6), 0});

  // Title.
  double top = box.y + pad;
  if (!chart.title.empty()) {
    TextStyle ts = Label(10.5, HAlign::kCenter, VAlign::kTop);
    ts.bold = true;
    c.Text(Box{box.x + pad, top, box.w - 2 * pad, 16}, chart.title, ts);
    top += 18;
  }

  // Legend entries, flowed in lines at the bottom.
  auto legend = chart.legend;
  if (legend.empty() && chart.series.size() > 1)
    for (const auto& s : chart.series) legend.emplace_back(s.name, s.color);
  const double legend_size = 8, swatch = 8, legend_line = 13;
  std::vector<std::vector<std::pair<size_t, double>>> legend_lines;  // entry index, width
  {
    double x = 0;
    const double avail = box.w - 2 * pad;
    for (size_t i = 0; i < legend.size(); ++i) {
      const double w = swatch + 4 + doc.TextWidth(legend[i].first, legend_size) + 12;
      if (legend_lines.empty() || (x + w > avail && x > 0)) {
        legend_lines.emplace_back();
        x = 0;
      }
      legend_lines.back().emplace_back(i, w);
      x += w;
    }
  }
  const double legend_h = legend_lines.empty() ? 0 : legend_line * static_cast<double>(legend_lines.size()) + 4;

  // Scale.
  long max_value = 0;
  for (const auto& s : chart.series)
    for (long v : s.values) max_value = std::max(max_value, v);
  const long step = NiceStep(max_value, 5);
  const long axis_max = std::max(step, ((max_value + step - 1) / step) * step);
  const double tick_size = 7.5;
  const double tick_w = std::max(doc.TextWidth(Thousands(axis_max), tick_size), 12.0);

  const double cat_label_h = 22;
  const double unit_h = chart.y_label.empty() ? 0 : 12;
  const Box plot{box.x + pad + tick_w + 6, top + unit_h + 4, 0, 0};
  const double plot_right = box.x + box.w - pad - 4;
  const double plot_bottom = box.y + box.h - pad - legend_h - cat_label_h;
  const double pw = plot_right - plot.x, ph = plot_bottom - plot.y;
  if (pw <= 10 || ph <= 10) return;  // box too small to draw anything meaningful

  if (!chart.y_label.empty())
    c.Text(Box{box.x + pad, top, pw + tick_w, unit_h}, chart.y_label, Label(7.5, HAlign::kLeft, VAlign::kTop));

  // Grid lines and tick labels.
  for (long v = 0; v <= axis_max; v += step) {
    const double y = plot_bottom - ph * static_cast<double>(v) / static_cast<double>(axis_max);
    if (v > 0) c.Line(plot.x, y, plot_right, y, LineStyle{0.35, Color::Gray(0.78), 2});
    c.Text(Box{box.x + pad, y - 5, tick_w, 10}, Thousands(v), Label(tick_size, HAlign::kRight, VAlign::kMiddle));
    c.Line(plot.x - 3, y, plot.x, y, LineStyle{0.6, Color::Gray(0.2), 0});
  }

  // Bars.
  const size_t ncat = std::max<size_t>(chart.categories.size(), 1);
  const size_t nser = std::max<size_t>(chart.series.size(), 1);
  const double group_w = pw / static_cast<double>(ncat);
  const double bar_w = std::min(group_w * 0.78 / static_cast<double>(nser), 40.0);
  const double bars_w = bar_w * static_cast<double>(nser);
  for (size_t ci = 0; ci < chart.categories.size(); ++ci) {
    const double gx = plot.x + group_w * static_cast<double>(ci);
    const double x0 = gx + (group_w - bars_w) / 2;
    for (size_t si = 0; si < chart.series.size(); ++si) {
      const Series& s = chart.series[si];
      const long v = ci < s.values.size() ? s.values[ci] : 0;
      const double h = ph * static_cast<double>(v) / static_cast<double>(axis_max);
      const double bx = x0 + bar_w * static_cast<double>(si);
      Color col = s.color;
      if (chart.series.size() == 1 && ci < chart.bar_colors.size()) col = chart.bar_colors[ci];
      if (v > 0) {
        c.MoveTo(bx, plot_bottom);
        c.LineTo(bx, plot_bottom - h);
        c.LineTo(bx + bar_w, plot_bottom - h);
        c.LineTo(bx + bar_w, plot_bottom);
        c.ClosePath();
        c.FillStroke(col, LineStyle{0.3, Color::Gray(0.15), 0});
      }
      if (chart.value_labels) {
        const std::string label = Thousands(v);
        const double size = 6.5;
        if (doc.TextWidth(label, size) <= bar_w + 6)
          c.Text(Box{bx - 6, plot_bottom - h - 10, bar_w + 12, 9}, label,
                 Label(size, HAlign::kCenter, VAlign::kBottom));
      }
    }
    c.Text(Box{gx + 1, plot_bottom + 3, group_w - 2, cat_label_h - 3}, chart.categories[ci],
           Label(8, HAlign::kCenter, VAlign::kTop));
  }

  // Axes on top of the bars.
  c.Line(plot.x, plot.y - 4, plot.x, plot_bottom, LineStyle{0.8, Color::Gray(0.1), 0});
  c.Line(plot.x, plot_bottom, plot_right, plot_bottom, LineStyle{0.8, Color::Gray(0.1), 0});

  // Legend, centred line by line.
  double ly = box.y + box.h - pad - legend_h + 4;
  for (const auto& line : legend_lines) {
    double total = 0;
    for (const auto& e : line) total += e.second;
    double lx = box.x + (box.w - total) / 2;
    for (const auto& [idx, w] : line) {
      const Box sw{lx, ly + (legend_line - swatch) / 2 - 1, swatch, swatch};
      c.FillRect(sw, legend[idx].second);
      c.StrokeRect(sw, LineStyle{0.3, Color::Gray(0.15), 0});
      c.Text(Box{lx + swatch + 4, ly, w - swatch - 4, legend_line}, legend[idx].first,
             Label(legend_size, HAlign::kLeft, VAlign::kMiddle));
      lx += w;
    }
    ly += legend_line;
  }
}

}  // namespace

}  // namespace liaudit::reports::charts
