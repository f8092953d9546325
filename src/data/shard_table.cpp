#include "data/shard_table.h"

#include "common/error.h"
#include "data/h5.h"

namespace genre::data {

ShardTable read_shard_table(const std::filesystem::path& shard) {
  const h5::File f = h5::File::open_read(shard);
  ShardTable t;
  if (!f.exists("/segments/table")) return t;
  h5::Shape shape;
  t.table = f.read<float>("/segments/table", &shape);
  if (shape.size() != 2) throw Error(shard.string() + ": /segments/table: expected 2-D");
  t.columns = shape[1];
  return t;
}

}  // namespace genre::data
