#include "search/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace genre::search::svg {

namespace {

constexpr int kLeft = 48, kRight = 10, kTop = 10, kBottom = 36;

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // A usable range (never empty), widened by `margin` of its span on each
  // side so that points do not sit on the frame.
  void settle(double margin) {
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (lo == hi) {
      const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
    const double pad = (hi - lo) * margin;
    lo -= pad;
    hi += pad;
  }
};

// About `want` round tick values covering [lo, hi] (steps of 1, 2 or 5 x 10^k).
std::vector<double> ticks(double lo, double hi, int want, bool integer = false) {
  const double raw = (hi - lo) / std::max(1, want);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  if (integer) step = std::max(1.0, std::round(step));
  std::vector<double> out;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Maps data to pixels and draws the frame, grid and tick labels.
class Frame {
 public:
  // x_margin: a share of the x span left free on each side (scatter plots).
  Frame(Range x, Range y, const Axes& axes, int width, int height, double x_margin)
      : axes_(axes), w_(width), h_(height) {
    if (axes_.log_x) {
      x.lo = std::log10(std::max(x.lo, 1e-300));
      x.hi = std::log10(std::max(x.hi, 1e-300));
    }
    x.settle(x_margin);
    y.settle(0.06);
    if (!axes_.x_categories.empty()) x.lo = -0.5, x.hi = static_cast<double>(axes_.x_categories.size()) - 0.5;
    x_ = x;
    y_ = y;
  }
  double sx(double v) const {
    if (axes_.log_x) v = std::log10(std::max(v, 1e-300));
    return kLeft + (v - x_.lo) / (x_.hi - x_.lo) * (w_ - kLeft - kRight);
  }
  double sy(double v) const { return h_ - kBottom - (v - y_.lo) / (y_.hi - y_.lo) * (h_ - kTop - kBottom); }

  std::string open() const {
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w_ << "\" height=\"" << h_ << "\" viewBox=\"0 0 "
      << w_ << " " << h_ << "\" font-family=\"sans-serif\" font-size=\"10\">";
    o << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << w_ - kLeft - kRight << "\" height=\""
      << h_ - kTop - kBottom << "\" fill=\"#fff\" stroke=\"#999\"/>";
    for (double t : ticks(y_.lo, y_.hi, 4)) {
      o << "<line x1=\"" << kLeft << "\" x2=\"" << w_ - kRight << "\" y1=\"" << px(sy(t)) << "\" y2=\"" << px(sy(t))
        << "\" stroke=\"#eee\"/>";
      o << "<text x=\"" << kLeft - 4 << "\" y=\"" << px(sy(t) + 3) << "\" text-anchor=\"end\">" << num(t) << "</text>";
    }
    if (!axes_.x_categories.empty()) {
      for (std::size_t i = 0; i < axes_.x_categories.size(); ++i)
        o << "<text x=\"" << px(sx(static_cast<double>(i))) << "\" y=\"" << h_ - kBottom + 12
          << "\" text-anchor=\"middle\">" << escape(axes_.x_categories[i].substr(0, 14)) << "</text>";
    } else {
      for (double t : ticks(x_.lo, x_.hi, 5, axes_.integer_x && !axes_.log_x)) {
        const double v = axes_.log_x ? std::pow(10.0, t) : t;
        o << "<text x=\"" << px(sx(v)) << "\" y=\"" << h_ - kBottom + 12 << "\" text-anchor=\"middle\">" << num(v)
          << "</text>";
      }
    }
    o << "<text x=\"" << (kLeft + w_ - kRight) / 2 << "\" y=\"" << h_ - 6 << "\" text-anchor=\"middle\">"
      << escape(axes_.x_label) << (axes_.log_x ? " (log)" : "") << "</text>";
    o << "<text transform=\"translate(11," << (kTop + h_ - kBottom) / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
      << escape(axes_.y_label) << "</text>";
    return o.str();
  }

 private:
  Axes axes_;
  int w_, h_;
  Range x_, y_;
};

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string palette(std::size_t i) {
  static const char* const kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kColours[i % 10];
}

std::string line_chart(const std::vector<Series>& series, const Axes& axes, int width, int height) {
  Range x, y;
  for (const auto& s : series)
    for (const auto& [a, b] : s.points) {
      x.add(a);
      y.add(b);
    }
  const Frame f(x, y, axes, width, height, 0.0);
  std::ostringstream o;
  o << f.open();
  for (const auto& s : series) {
    if (s.points.empty()) continue;
    o << "<g><title>" << escape(s.label) << "</title><polyline fill=\"none\" stroke=\"" << s.color
      << "\" stroke-width=\"" << s.width << "\"" << (s.dashed ? " stroke-dasharray=\"4 3\"" : "") << " points=\"";
    for (const auto& [a, b] : s.points)
      if (std::isfinite(b)) o << px(f.sx(a)) << "," << px(f.sy(b)) << " ";
    o << "\"/>";
    if (s.points.size() == 1 && std::isfinite(s.points[0].second))
      o << "<circle cx=\"" << px(f.sx(s.points[0].first)) << "\" cy=\"" << px(f.sy(s.points[0].second))
        << "\" r=\"2.5\" fill=\"" << s.color << "\"/>";
    o << "</g>";
  }
  o << "</svg>";
  return o.str();
}

std::string scatter_chart(const std::vector<Point>& points, const Axes& axes, int width, int height) {
  Range x, y;
  for (const auto& p : points) {
    x.add(p.x);
    y.add(p.y);
  }
  const Frame f(x, y, axes, width, height, 0.08);
  std::ostringstream o;
  o << f.open();
  for (const auto& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    o << "<circle cx=\"" << px(f.sx(p.x)) << "\" cy=\"" << px(f.sy(p.y)) << "\" r=\"3.5\" fill=\"" << p.color
      << "\" fill-opacity=\"0.75\"><title>" << escape(p.title) << "</title></circle>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace genre::search::svg
