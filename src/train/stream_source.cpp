#include "train/stream_source.h"

#include <algorithm>
#include <optional>

#include "common/error.h"
#include "common/random.h"
#include "data/shard.h"
#include "train/batch_standardizer.h"
#include "train/chunk_reader.h"
#include "train/shuffle_buffer.h"
#include "train/standardizer_fit.h"

namespace genre::train {

namespace {

// A run of rows read at once is at most this large: a shard stored without
// chunking would otherwise be one "chunk" of all its rows.
constexpr std::int64_t kMaxReadBytes = std::int64_t{8} << 20;

std::uint64_t rank_seed(std::uint64_t seed, int epoch, int rank) {
  return splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(epoch) + 1) ^
                    splitmix64(static_cast<std::uint64_t>(rank) + 0x5eed));
}

// This rank's batch as CPU tensors (pinned for a GPU, so the copy can be
// asynchronous), filled sample by sample through `fill`.
struct HostBatch {
  torch::Tensor x, y, track;
  HostBatch(std::int64_t m, const StreamSource::Shared& s, const BatchPlan& plan) {
    const auto pinned = torch::TensorOptions().pinned_memory(plan.device.is_cuda());
    x = torch::empty({m, s.frames, s.dims}, pinned.dtype(torch::kFloat));
    y = torch::empty({m}, pinned.dtype(torch::kLong));
    track = torch::empty({m}, pinned.dtype(torch::kLong));
  }
  Batch on(const BatchPlan& plan, const BatchStandardizer& standardise) const {
    const bool async = plan.device.is_cuda();
    return Batch{standardise.in_place(x.to(plan.device, torch::kFloat, async)), y.to(plan.device, torch::kLong, async),
                 track.to(plan.device, torch::kLong, async)};
  }
};

class StreamTraining : public TrainBatches {
 public:
  StreamTraining(const StreamSource::Shared& s, const BatchPlan& plan, std::int64_t capacity, HeldBytes& meter)
      : s_(s), plan_(plan), capacity_(capacity), meter_(meter),
        standardise_(plan.standardizer, s.dims, plan.device), rng_(0) {}

  std::int64_t steps() const override { return steps_per_epoch(s_.train.size(), plan_.batch_size); }

  Batch batch(int epoch, std::int64_t step) override {
    // A resumed run (or a skipped step) replays the epoch's stream up to the
    // step: the shuffle depends on every sample before it.
    if (epoch != epoch_ || step != next_) {
      open(epoch);
      for (std::int64_t k = 0; k < step; ++k) take(k);
    }
    Batch b = take(step);
    b.global = global_batch_size(s_.train.size(), plan_.batch_size, step, plan_.ranks);
    if (next_ == steps()) close();  // the buffer's memory is free for evaluation
    return b;
  }

 private:
  void open(int epoch) {
    close();
    buffer_.emplace(capacity_, s_.row_size(), meter_);
    reader_ = std::make_unique<ChunkReader>(
        s_.shards, epoch_jobs(s_.train, s_.train_chunks, plan_.seed, epoch, plan_.shuffle, plan_.rank, plan_.ranks),
        static_cast<std::size_t>(s_.row_size()), s_.options.queue_depth, meter_);
    rng_ = Random(rank_seed(plan_.seed, epoch, plan_.rank));
    epoch_ = epoch;
    next_ = 0;
  }

  void close() {
    block_.reset();
    reader_.reset();
    buffer_.reset();
  }

  // Tops the buffer up from the stream (to full, or to the stream's end).
  void fill() {
    while (!buffer_->full()) {
      if (!block_ || cursor_ == block_->job.end) {
        block_ = reader_->next();
        if (!block_) return;
        cursor_ = block_->job.begin;
      }
      const auto i = static_cast<std::size_t>(cursor_++);
      const std::int64_t offset = (s_.train.row[i] - block_->job.first) * s_.row_size();
      buffer_->push(block_->rows.data() + offset, s_.train.label[i], s_.train.track[i]);
    }
  }

  Batch take(std::int64_t step) {
    const std::int64_t n_rank = rank_share(s_.train.size(), plan_.rank, plan_.ranks).size();
    const std::int64_t m = rank_batch(s_.train.size(), plan_.batch_size, step, n_rank).size();
    next_ = step + 1;
    if (m == 0) return Batch{};
    HostBatch h(m, s_, plan_);
    float* x = h.x.data_ptr<float>();
    auto* y = h.y.data_ptr<std::int64_t>();
    auto* track = h.track.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < m; ++i) {
      fill();
      if (buffer_->empty()) throw Error("streaming: the training stream ended early (a shard changed while reading?)");
      buffer_->pop(rng_, x + i * s_.row_size(), y[i], track[i]);
    }
    return h.on(plan_, standardise_);
  }

  const StreamSource::Shared& s_;
  BatchPlan plan_;
  std::int64_t capacity_;
  HeldBytes& meter_;
  BatchStandardizer standardise_;
  Random rng_;
  int epoch_ = -1;
  std::int64_t next_ = 0;
  std::optional<ShuffleBuffer> buffer_;
  std::unique_ptr<ChunkReader> reader_;
  std::optional<RowBlock> block_;
  std::int64_t cursor_ = 0;
};

class StreamEvaluation : public EvalBatches {
 public:
  StreamEvaluation(const StreamSource::Shared& s, const StreamPart& part, const BatchPlan& plan, HeldBytes& meter)
      : s_(s), part_(part), plan_(plan), meter_(meter), standardise_(plan.standardizer, s.dims, plan.device) {}

  void for_each(const std::function<void(const Batch&)>& visit) override {
    const Span mine = share_of({0, part_.size()}, plan_.rank, plan_.ranks);
    ChunkReader reader(s_.shards, span_jobs(part_, s_.chunk_rows, mine), static_cast<std::size_t>(s_.row_size()),
                       s_.options.queue_depth, meter_);
    std::optional<RowBlock> block;
    for (std::int64_t b = mine.begin; b < mine.end; b += plan_.eval_batch_size) {
      const std::int64_t e = std::min(mine.end, b + plan_.eval_batch_size);
      HostBatch h(e - b, s_, plan_);
      for (std::int64_t i = b; i < e; ++i) {
        while (!block || i >= block->job.end)
          if (!(block = reader.next())) throw Error("streaming: an evaluation share ended early");
        const auto k = static_cast<std::size_t>(i);
        std::copy_n(block->rows.data() + (part_.row[k] - block->job.first) * s_.row_size(), s_.row_size(),
                    h.x.data_ptr<float>() + (i - b) * s_.row_size());
        h.y.data_ptr<std::int64_t>()[i - b] = part_.label[k];
        h.track.data_ptr<std::int64_t>()[i - b] = part_.track[k];
      }
      visit(h.on(plan_, standardise_));
    }
  }

 private:
  const StreamSource::Shared& s_;
  const StreamPart& part_;
  BatchPlan plan_;
  HeldBytes& meter_;
  BatchStandardizer standardise_;
};

}  // namespace

const StreamPart& StreamSource::Shared::part(data::Part p) const {
  switch (p) {
    case data::Part::Train: return train;
    case data::Part::Val: return val;
    case data::Part::Test: return test;
    case data::Part::All: break;
  }
  throw Error("streaming: no single part 'all'");
}

StreamSource::StreamSource(const data::Dataset& dataset, StreamOptions options) {
  const data::DatasetParams& params = dataset.manifest().params;
  if (params.frames <= 0 || params.dims <= 0)
    throw UsageError("data.input: streaming reads MFCC / log-mel slices, this dataset holds none (a table-only "
                     "dataset): train model.name mlp on data.input table, which is held in memory");
  Shared& s = shared_;
  s.options = options;
  s.frames = params.frames;
  s.dims = params.dims;
  const std::int64_t max_rows = std::max<std::int64_t>(1, kMaxReadBytes / (s.row_size() * 4));
  for (std::size_t i = 0; i < dataset.manifest().shards.size(); ++i) {
    s.shards.push_back(dataset.shard_path(i));
    const data::ShardRows rows(s.shards.back());
    s.chunk_rows.push_back(std::min<std::size_t>(rows.chunk_rows(), static_cast<std::size_t>(max_rows)));
  }
  s.train = stream_part(dataset.index(data::Part::Train));
  s.val = stream_part(dataset.index(data::Part::Val));
  s.test = stream_part(dataset.index(data::Part::Test));
  s.train_chunks = chunks_of(s.train, s.chunk_rows);

  info_.input = InputKind::Features;
  info_.sample_shape = {s.frames, s.dims};
  info_.classes = dataset.classes();
  info_.params = params;
  info_.split_leaks = dataset.manifest().split.leaks;
  info_.train = s.train.info;
  info_.val = s.val.info;
  info_.test = s.test.info;
  if (options.budget_bytes < queue_bytes() + ShuffleBuffer::bytes(1, s.row_size()))
    throw UsageError("data.memory_budget_mb: " + std::to_string(options.budget_bytes >> 20) +
                     " MiB cannot hold the streaming reader's queue (" + std::to_string(queue_bytes() >> 20) +
                     " MiB of chunks) and a shuffle buffer");
}

std::int64_t StreamSource::queue_bytes() const {
  const std::size_t rows = shared_.chunk_rows.empty() ? 1 : *std::max_element(shared_.chunk_rows.begin(), shared_.chunk_rows.end());
  return static_cast<std::int64_t>(shared_.options.queue_depth + 2) * static_cast<std::int64_t>(rows) *
         shared_.row_size() * static_cast<std::int64_t>(sizeof(float));
}

std::int64_t StreamSource::buffer_samples(int ranks, bool shuffle) const {
  if (!shuffle) return 1;
  const std::int64_t share = (shared_.train.size() + ranks - 1) / ranks;
  const std::int64_t fits = (shared_.options.budget_bytes - queue_bytes()) / ShuffleBuffer::bytes(1, shared_.row_size());
  return std::clamp<std::int64_t>(fits, 1, std::max<std::int64_t>(share, 1));
}

Standardizer StreamSource::fit_standardizer() const {
  const Shared& s = shared_;
  std::vector<ReadJob> jobs;
  for (const Chunk& c : s.train_chunks) jobs.push_back(job_of(s.train, c.begin, c.end));
  ChunkReader reader(s.shards, std::move(jobs), static_cast<std::size_t>(s.row_size()), s.options.queue_depth, meter_);
  StandardizerFit fit(s.dims);
  while (const std::optional<RowBlock> block = reader.next())
    for (std::int64_t i = block->job.begin; i < block->job.end; ++i)
      fit.add(block->rows.data() + (s.train.row[static_cast<std::size_t>(i)] - block->job.first) * s.row_size(),
              s.frames);
  return fit.finish();
}

std::unique_ptr<TrainBatches> StreamSource::training(const BatchPlan& plan) const {
  return std::make_unique<StreamTraining>(shared_, plan, buffer_samples(plan.ranks, plan.shuffle), meter_);
}

std::unique_ptr<EvalBatches> StreamSource::evaluation(data::Part part, const BatchPlan& plan) const {
  if (part != data::Part::Val && part != data::Part::Test) throw Error("streaming: evaluation reads the val or test part");
  return std::make_unique<StreamEvaluation>(shared_, shared_.part(part), plan, meter_);
}

}  // namespace genre::train
