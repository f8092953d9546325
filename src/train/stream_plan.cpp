#include "train/stream_plan.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "common/error.h"

namespace genre::train {

StreamPart stream_part(const data::SegmentIndex& index) {
  const auto n = static_cast<std::int64_t>(index.size());
  StreamPart p;
  p.info.samples = n;
  std::vector<std::int64_t> track(static_cast<std::size_t>(n));
  std::unordered_map<int, std::int64_t> number;
  for (std::size_t i = 0; i < index.size(); ++i) {
    const auto [it, fresh] = number.emplace(index.track[i], static_cast<std::int64_t>(p.info.track_label.size()));
    if (fresh) p.info.track_label.push_back(index.label[i]);
    track[i] = it->second;
  }
  std::vector<std::size_t> order(index.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return index.shard[a] != index.shard[b] ? index.shard[a] < index.shard[b] : index.row[a] < index.row[b];
  });
  for (std::size_t i : order) {
    p.shard.push_back(index.shard[i]);
    p.row.push_back(index.row[i]);
    p.label.push_back(index.label[i]);
    p.track.push_back(track[i]);
  }
  return p;
}

namespace {

// Whether segments a and b of the part lie in the same chunk.
bool same_chunk(const StreamPart& p, const std::vector<std::size_t>& chunk_rows, std::int64_t a, std::int64_t b) {
  const auto i = static_cast<std::size_t>(a), j = static_cast<std::size_t>(b);
  if (p.shard[i] != p.shard[j]) return false;
  const std::size_t rows = chunk_rows.at(p.shard[i]);
  return p.row[i] / rows == p.row[j] / rows;
}

}  // namespace

std::vector<Chunk> chunks_of(const StreamPart& part, const std::vector<std::size_t>& chunk_rows) {
  std::vector<Chunk> chunks;
  for (std::int64_t i = 0; i < part.size(); ++i) {
    if (chunks.empty() || !same_chunk(part, chunk_rows, chunks.back().begin, i)) chunks.push_back({i, i});
    chunks.back().end = i + 1;
  }
  return chunks;
}

ReadJob job_of(const StreamPart& part, std::int64_t begin, std::int64_t end) {
  const auto b = static_cast<std::size_t>(begin), last = static_cast<std::size_t>(end - 1);
  return {part.shard[b], part.row[b], part.row[last] - part.row[b] + 1, begin, end};
}

Span rank_share(std::int64_t samples, int rank, int ranks) { return share_of({0, samples}, rank, ranks); }

Span rank_batch(std::int64_t samples, std::int64_t batch_size, std::int64_t step, std::int64_t rank_samples) {
  if (samples <= 0) return {};
  const Span global = global_batch(samples, batch_size, step);
  return {rank_samples * global.begin / samples, rank_samples * global.end / samples};
}

std::int64_t global_batch_size(std::int64_t samples, std::int64_t batch_size, std::int64_t step, int ranks) {
  std::int64_t total = 0;
  for (int r = 0; r < ranks; ++r)
    total += rank_batch(samples, batch_size, step, rank_share(samples, r, ranks).size()).size();
  return total;
}

std::vector<ReadJob> epoch_jobs(const StreamPart& part, const std::vector<Chunk>& chunks, std::uint64_t seed,
                                int epoch, bool shuffle, int rank, int ranks) {
  const Span mine = rank_share(part.size(), rank, ranks);
  std::vector<ReadJob> jobs;
  std::int64_t pos = 0;  // stream position of the chunk's first segment
  for (const std::int64_t c : epoch_order(static_cast<std::int64_t>(chunks.size()), seed, epoch, shuffle)) {
    if (pos >= mine.end) break;
    const Chunk& chunk = chunks[static_cast<std::size_t>(c)];
    const std::int64_t lo = std::max(pos, mine.begin), hi = std::min(pos + chunk.size(), mine.end);
    if (lo < hi) jobs.push_back(job_of(part, chunk.begin + (lo - pos), chunk.begin + (hi - pos)));
    pos += chunk.size();
  }
  return jobs;
}

std::vector<ReadJob> span_jobs(const StreamPart& part, const std::vector<std::size_t>& chunk_rows, Span span) {
  std::vector<ReadJob> jobs;
  for (std::int64_t b = span.begin; b < span.end;) {
    std::int64_t e = b + 1;
    while (e < span.end && same_chunk(part, chunk_rows, b, e)) ++e;
    jobs.push_back(job_of(part, b, e));
    b = e;
  }
  return jobs;
}

}  // namespace genre::train
