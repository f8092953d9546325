#include "train/agreement.h"

#include <vector>

#include "common/error.h"

namespace genre::train {

bool Agreement::settle(bool flag) {
  if (alone()) {
    if (latch_.failed()) latch_.rethrow();
    return flag;
  }
  const torch::Tensor t =
      torch::tensor({flag ? 1.0 : 0.0, latch_.failed() ? 1.0 : 0.0}, torch::TensorOptions().dtype(torch::kDouble))
          .to(comm_->device());
  comm_->allreduce_sum(t);
  const torch::Tensor cpu = t.to(torch::kCPU);
  if (cpu[1].item<double>() > 0) fail_together();
  return cpu[0].item<double>() > 0;
}

// Which ranks failed: the lowest one speaks for all. Its reason travels as
// bytes in a float tensor (any backend moves floats): the UsageError bit, then
// up to kChars characters.
void Agreement::fail_together() const {
  dist::Communicator& comm = *comm_;
  torch::Tensor who = torch::zeros({comm.size()}, torch::TensorOptions().dtype(torch::kFloat));
  if (latch_.failed()) who[comm.rank()] = 1.0f;
  who = who.to(comm.device());
  comm.allreduce_sum(who);
  const torch::Tensor failed = who.to(torch::kCPU);
  int first = 0;
  while (first < comm.size() && failed[first].item<float>() == 0.0f) ++first;
  constexpr std::int64_t kChars = 480;
  std::vector<float> bytes(kChars + 1, 0.0f);
  if (comm.rank() == first) {
    bytes[0] = latch_.usage() ? 1.0f : 0.0f;
    const std::string& r = latch_.reason();
    for (std::size_t i = 0; i < static_cast<std::size_t>(kChars) && i < r.size(); ++i)
      bytes[i + 1] = static_cast<float>(static_cast<unsigned char>(r[i]));
  }
  torch::Tensor text = torch::tensor(bytes, torch::TensorOptions().dtype(torch::kFloat));
  text = text.to(comm.device());
  comm.broadcast(text, first);
  const torch::Tensor got = text.to(torch::kCPU).contiguous();
  const float* p = got.data_ptr<float>();
  std::string reason;
  for (std::int64_t i = 1; i <= kChars && p[i] != 0.0f; ++i) reason += static_cast<char>(static_cast<int>(p[i]));
  const std::string what = "rank " + std::to_string(first) + " of " + std::to_string(comm.size()) + ": " + reason;
  if (p[0] != 0.0f) throw UsageError(what);
  throw Error(what);
}

}  // namespace genre::train
