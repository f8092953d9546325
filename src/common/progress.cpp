#include "common/progress.h"

#include <unistd.h>

#include <cmath>

namespace genre {

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  char buf[32];
  long t = std::lround(s);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  else if (t >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", t);
  return buf;
}

Progress::Progress(std::string what, std::size_t total, std::string unit, bool enabled, double interval_s,
                   std::FILE* out)
    : what_(std::move(what)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(enabled),
      tty_(isatty(fileno(out)) != 0),
      interval_s_(tty_ ? 0.2 : interval_s),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

std::string Progress::line(std::size_t done) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : -1.0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %zu/%zu %s (%.0f%%), %.1f %s/s, elapsed %s, ETA %s", what_.c_str(), done,
                total_, unit_.c_str(), total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0,
                rate, unit_.c_str(), format_duration(elapsed).c_str(), format_duration(eta).c_str());
  return buf;
}

void Progress::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_print_).count() < interval_s_) return;
  last_print_ = now;
  if (tty_)
    std::fprintf(out_, "\r\033[K%s", line(done).c_str());
  else
    std::fprintf(out_, "%s\n", line(done).c_str());
  std::fflush(out_);
}

void Progress::finish(std::size_t done) {
  if (!enabled_) return;
  std::fprintf(out_, tty_ ? "\r\033[K%s\n" : "%s\n", line(done).c_str());
  std::fflush(out_);
}

}  // namespace genre
