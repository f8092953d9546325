#include "train/failure.h"

#include <c10/util/Exception.h>

#include <new>

#include "common/error.h"

namespace genre::train {

std::string failure_text(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "out of memory (std::bad_alloc)";
  std::string text;
  if (const auto* torch_error = dynamic_cast<const c10::Error*>(&e)) {
    text = torch_error->what_without_backtrace();
    const auto newline = text.find('\n');  // torch appends context lines
    if (newline != std::string::npos) text.resize(newline);
  } else {
    text = describe(e);
  }
  const bool oom = text.find("out of memory") != std::string::npos || text.find("can't allocate memory") != std::string::npos;
  return oom && text.rfind("out of memory", 0) != 0 ? "out of memory: " + text : text;
}

void FailureLatch::latch(const std::exception& e, std::exception_ptr error) {
  error_ = std::move(error);
  reason_ = failure_text(e);
  if (reason_.empty()) reason_ = "unknown error";
  usage_ = dynamic_cast<const UsageError*>(&e) != nullptr;
}

}  // namespace genre::train
