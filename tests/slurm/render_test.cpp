// Rendering: the #SBATCH header each stage gets, the launcher, and spec
// values that arrive in the script quoted, never as shell syntax.
#include <gtest/gtest.h>

#include <cstdio>

#include "common/error.h"
#include "slurm/fields.h"
#include "slurm/render.h"
#include "spec_fixture.h"

namespace genre::slurm {
namespace {

using test::kPipeline;
using test::SpecFixture;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// bash -n: the script parses.
void expect_valid_bash(const BatchScript& job, const genre::test::TempDir& dir) {
  const auto file = dir / (job.job_name + ".check.sh");
  genre::test::write_file(file, job.text);
  EXPECT_EQ(std::system(("bash -n " + shell_quote(file.string())).c_str()), 0) << job.text;
}

TEST(Render, PipelineHeadersAndChainOrder) {
  SpecFixture f;
  const auto jobs = render_jobs(f.parse(kPipeline));
  ASSERT_EQ(jobs.size(), 2u);
  const auto& pre = jobs[0];
  const auto& sweep = jobs[1];
  EXPECT_EQ(pre.stage, Stage::kPreprocess);
  EXPECT_EQ(pre.job_name, "demo-preprocess");
  EXPECT_EQ(pre.file, f.dir / "slurm-logs/demo-preprocess.sbatch");
  EXPECT_TRUE(has(pre.text, "#!/bin/bash\n#SBATCH --job-name=demo-preprocess\n#SBATCH --nodes=1\n"));
  EXPECT_TRUE(has(pre.text, "#SBATCH --ntasks-per-node=2\n#SBATCH --cpus-per-task=1\n"));
  EXPECT_TRUE(has(pre.text, "#SBATCH --time=00:30:00\n#SBATCH --partition=debug\n"));
  EXPECT_TRUE(has(pre.text, "#SBATCH --output=" + (f.dir / "slurm-logs/%x-%j.out").string() + "\n"));
  EXPECT_TRUE(has(pre.text, "#SBATCH --open-mode=append\n#SBATCH --requeue\n"));
  EXPECT_FALSE(has(pre.text, "--signal"));
  EXPECT_FALSE(has(pre.text, "--gpus-per-node"));
  EXPECT_TRUE(has(pre.text, "launch \"$genre\" preprocess --input " + shell_quote((f.dir / "corpus").string()) +
                                " --output " + shell_quote((f.dir / "dataset").string())));
  EXPECT_TRUE(has(pre.text, "launch() { srun --mpi='pmix' "));

  EXPECT_EQ(sweep.job_name, "demo-search");
  EXPECT_TRUE(has(sweep.text, "#SBATCH --time=2:00:00\n"));
  EXPECT_TRUE(has(sweep.text, "#SBATCH --requeue\n#SBATCH --signal=B:USR1@120\n"));
  EXPECT_TRUE(has(sweep.text, "out=" + shell_quote((f.dir / "runs/demo").string()) + "\n"));
  EXPECT_TRUE(has(sweep.text, "--data " + shell_quote((f.dir / "dataset/dataset.json").string())));
  EXPECT_TRUE(has(sweep.text, "max_restarts=20\n"));
  EXPECT_TRUE(has(sweep.text, "--overcommit --ntasks=$((SLURM_NTASKS + 1)) --distribution=arbitrary"));
  EXPECT_TRUE(has(sweep.text, "for ((i = 0; i < 3; i++))"));
  EXPECT_TRUE(has(sweep.text, "export OMP_NUM_THREADS=1"));
  for (const auto& job : jobs) expect_valid_bash(job, f.dir);
}

TEST(Render, GpuNodesBindOneGpuPerRank) {
  SpecFixture f;
  const auto jobs = render_jobs(f.parse(R"(
resources: {gpus-per-node: 4, cpus-per-task: 8, mem: 200G, account: proj1, qos: high, constraint: "a100&ib", exclusive: true}
env: {NCCL_DEBUG: WARN, OMP_NUM_THREADS: 4}
modules: [cuda/12.2, openmpi/4.1.5]
search: {spec: jobs/sweep.yaml, data: jobs/sweep.yaml, out: runs/x}
)"));
  ASSERT_EQ(jobs.size(), 1u);
  const std::string& t = jobs[0].text;
  EXPECT_TRUE(has(t, "#SBATCH --ntasks-per-node=4\n#SBATCH --cpus-per-task=8\n#SBATCH --gpus-per-node=4\n"));
  EXPECT_TRUE(has(t, "#SBATCH --mem=200G\n"));
  EXPECT_TRUE(has(t, "#SBATCH --account=proj1\n#SBATCH --qos=high\n#SBATCH --constraint=a100&ib\n#SBATCH --exclusive\n"));
  EXPECT_TRUE(has(t, "bind_gpu=(bash -c "));
  EXPECT_TRUE(has(t, "module load 'cuda/12.2' || exit 1\nmodule load 'openmpi/4.1.5' || exit 1\n"));
  EXPECT_TRUE(has(t, "export NCCL_DEBUG='WARN'\nexport OMP_NUM_THREADS='4'\n"));
  EXPECT_FALSE(has(t, "export OMP_NUM_THREADS=8"));  // the spec's env wins
  expect_valid_bash(jobs[0], f.dir);
}

TEST(Render, MpirunLauncher) {
  SpecFixture f;
  const auto jobs = render_jobs(f.parse(
      "launcher: mpirun\npreprocess: {input: corpus, output: d}\nsearch: {spec: jobs/sweep.yaml, out: runs/x}\n"));
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_TRUE(has(jobs[0].text, "launch() { mpirun -n \"$SLURM_NTASKS\" --bind-to none"));
  EXPECT_TRUE(has(jobs[1].text, "launch_sweep() { exec mpirun -n $((SLURM_NTASKS + 1)) --oversubscribe"));
  EXPECT_TRUE(has(jobs[1].text, "OMPI_MCA_odls_base_sigkill_timeout"));
  EXPECT_FALSE(has(jobs[1].text, "srun"));
  for (const auto& job : jobs) expect_valid_bash(job, f.dir);
}

TEST(Render, ClassifyIsNotRequeued) {
  SpecFixture f;
  const auto jobs =
      render_jobs(f.parse("classify: {model: corpus, inputs: [corpus/blues], format: json, output: out/p.json}\n"));
  ASSERT_EQ(jobs.size(), 1u);
  const std::string& t = jobs[0].text;
  EXPECT_FALSE(has(t, "--requeue"));
  EXPECT_TRUE(has(t, "classify --model " + shell_quote((f.dir / "corpus").string()) + " --format 'json' --output " +
                         shell_quote((f.dir / "out/p.json").string()) + " " +
                         shell_quote((f.dir / "corpus/blues").string())));
  EXPECT_FALSE(has(t, "--device"));
  expect_valid_bash(jobs[0], f.dir);
}

TEST(Render, ClassifyOnGpuNodesUsesTheGpuUnlessArgsSayOtherwise) {
  SpecFixture f;
  const auto gpu = render_jobs(
      f.parse("classify: {model: corpus, inputs: [corpus/blues], resources: {gpus-per-node: 1}}\n"))[0].text;
  EXPECT_TRUE(has(gpu, " --device cuda "));
  const auto told = render_jobs(f.parse(
      "classify: {model: corpus, inputs: [corpus/blues], args: [--device, cpu], resources: {gpus-per-node: 1}}\n"))[0].text;
  EXPECT_FALSE(has(told, "--device cuda"));
  EXPECT_TRUE(has(told, "'--device' 'cpu'"));
}

TEST(Render, HostileValuesArriveQuoted) {
  SpecFixture f;
  std::filesystem::create_directories(f.dir / "corpus $(touch pwned)");
  const auto jobs = render_jobs(f.parse(R"Y(
env: {X: "`touch pwned`'", Y: "$(touch pwned)"}
preprocess:
  input: "corpus $(touch pwned)"
  output: "out'; touch pwned; echo '"
  args: ["--feature", "mfcc; touch pwned", "@ARGS@"]
)Y"));
  const std::string& t = jobs[0].text;
  EXPECT_TRUE(has(t, "export X='`touch pwned`'\\'''\n"));
  EXPECT_TRUE(has(t, "export Y='$(touch pwned)'\n"));
  EXPECT_TRUE(has(t, "'mfcc; touch pwned' '@ARGS@'"));
  EXPECT_TRUE(has(t, shell_quote((f.dir / "out'; touch pwned; echo '").string())));
  expect_valid_bash(jobs[0], f.dir);
}

TEST(FillTemplate, OnePassAndStrict) {
  EXPECT_EQ(fill_template("a @X@ b @Y@ @X@", {{"X", "@Y@"}, {"Y", "2"}}), "a @Y@ b 2 @Y@");
  EXPECT_THROW(fill_template("a @X@ @Z@", {{"X", "1"}}), Error);  // a placeholder without value
  EXPECT_THROW(fill_template("a @X@", {{"X", "1"}, {"Y", "2"}}), Error);  // a value without placeholder
  EXPECT_EQ(fill_template("${g[@]} \"$@\" user@host", {}), "${g[@]} \"$@\" user@host");
}

}  // namespace
}  // namespace genre::slurm
