#pragma once
// Small inline-SVG charts for report.html: no scripts, no external assets,
// readable offline. Each returns one <svg> element.
#include <string>
#include <utility>
#include <vector>

namespace genre::search::svg {

struct Series {
  std::string label;                              // shown as the line's tooltip
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
  std::string color = "#1f77b4";
  bool dashed = false;
  double width = 1.5;
};

struct Axes {
  std::string x_label, y_label;
  bool log_x = false;
  std::vector<std::string> x_categories;  // when set, x values are indices into it
  bool integer_x = false;                 // ticks on whole numbers only (epochs)
};

struct Point {
  double x = 0, y = 0;
  std::string title;  // tooltip
  std::string color = "#1f77b4";
};

std::string line_chart(const std::vector<Series>& series, const Axes& axes, int width, int height);
std::string scatter_chart(const std::vector<Point>& points, const Axes& axes, int width, int height);

// A colour for the i-th of many lines (a 10-colour cycle).
std::string palette(std::size_t i);
std::string escape(const std::string& text);  // for HTML and SVG text and attributes

}  // namespace genre::search::svg
