// The job spec: defaults, merging of resources blocks, and errors that name
// the key, for values that must never reach a script.
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

#include "common/error.h"
#include "slurm/fields.h"
#include "spec_fixture.h"

namespace genre::slurm {
namespace {

using test::kPipeline;
using test::SpecFixture;

TEST(JobSpec, PipelineDefaultsAndMerging) {
  SpecFixture f;
  const JobSpec s = f.parse(kPipeline);
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.launcher, Launcher::kSrun);
  EXPECT_EQ(s.mpi, "pmix");
  ASSERT_TRUE(s.preprocess && s.search);
  EXPECT_FALSE(s.classify);
  EXPECT_EQ(s.preprocess->input, f.dir / "corpus");
  EXPECT_EQ(s.preprocess->resources.ntasks_per_node, 2);
  EXPECT_EQ(s.preprocess->resources.time_s, 30 * 60);  // from the top-level block
  EXPECT_EQ(s.preprocess->resources.partition, "debug");
  EXPECT_EQ(s.preprocess->resources.output_dir, f.dir / "slurm-logs");
  EXPECT_EQ(s.search->resources.ntasks_per_node, 3);
  EXPECT_EQ(s.search->resources.time_s, 2 * 3600);  // the stage's own block wins
  EXPECT_EQ(s.search->resources.partition, "debug");
  EXPECT_EQ(s.search->data, f.dir / "dataset/dataset.json");  // the preprocess stage's output
  EXPECT_EQ(s.search->out, f.dir / "runs/demo");
  EXPECT_EQ(s.search->signal_seconds, 120);
}

TEST(JobSpec, OneRankPerGpuByDefault) {
  SpecFixture f;
  const JobSpec s = f.parse(R"(
resources: {gpus-per-node: 4, nodes: 2}
search: {spec: jobs/sweep.yaml, data: jobs/sweep.yaml, out: runs/x}
)");
  EXPECT_EQ(s.search->resources.gpus_per_node, 4);
  EXPECT_EQ(s.search->resources.ntasks_per_node, 4);
  EXPECT_EQ(s.search->resources.nodes, 2);
}

TEST(JobSpec, UnderscoreSpellingIsTheSameKey) {
  SpecFixture f;
  const JobSpec s = f.parse("resources: {ntasks_per_node: 5, cpus_per_task: 2}\npreprocess: {input: corpus, output: d}\n");
  EXPECT_EQ(s.preprocess->resources.ntasks_per_node, 5);
  EXPECT_EQ(s.preprocess->resources.cpus_per_task, 2);
}

TEST(JobSpec, TimeLimitForms) {
  EXPECT_EQ(parse_time_limit("t", "90"), 90 * 60);
  EXPECT_EQ(parse_time_limit("t", "5:30"), 5 * 60 + 30);
  EXPECT_EQ(parse_time_limit("t", "02:00:00"), 7200);
  EXPECT_EQ(parse_time_limit("t", "1-12"), 86400 + 12 * 3600);
  EXPECT_EQ(parse_time_limit("t", "1-00:30"), 86400 + 30 * 60);
  EXPECT_EQ(parse_time_limit("t", "2-01:02:03"), 2 * 86400 + 3723);
  EXPECT_THROW(parse_time_limit("t", "infinite"), UsageError);
  EXPECT_THROW(parse_time_limit("t", "1h"), UsageError);
  EXPECT_THROW(parse_time_limit("t", "0"), UsageError);
}

struct BadSpec {
  const char* yaml;
  const char* expected;  // the key the message must name, and part of the reason
};

void PrintTo(const BadSpec& b, std::ostream* os) { *os << '"' << b.expected << '"'; }

class JobSpecErrors : public ::testing::TestWithParam<BadSpec> {};

TEST_P(JobSpecErrors, NameTheKey) {
  SpecFixture f;
  const std::string message = f.error(GetParam().yaml);
  EXPECT_NE(message.find(std::string("x.yaml: ") + GetParam().expected), std::string::npos)
      << "message: " << message << "\nexpected: " << GetParam().expected;
}

INSTANTIATE_TEST_SUITE_P(
    All, JobSpecErrors,
    ::testing::Values(
        BadSpec{"name: demo\n", "the spec has none of the stages"},
        BadSpec{"preprocess: {input: corpus, output: d}\nsearch: {spec: jobs/sweep.yaml, out: o, resorces: {}}\n",
                "line 2: search.resorces: unknown key (known in search: spec, data, out"},
        BadSpec{"resources: {partition: 'debug; rm -rf /'}\npreprocess: {input: corpus, output: d}\n",
                "resources.partition: 'debug; rm -rf /' is not a comma-separated list"},
        BadSpec{"resources: {partition: \"debug\\n#SBATCH --wrap=id\"}\npreprocess: {input: corpus, output: d}\n",
                "resources.partition: 'debug\\n#SBATCH --wrap=id'"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {account: '$(id)'}}\n",
                "preprocess.resources.account: '$(id)' is not a valid name"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {qos: 'a b'}}\n", "preprocess.resources.qos"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {constraint: 'gpu`id`'}}\n",
                "preprocess.resources.constraint"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {mem: 16GB}}\n",
                "preprocess.resources.mem: '16GB' is not a memory size"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {time: 1h}}\n", "preprocess.resources.time: '1h'"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {nodes: 0}}\n",
                "preprocess.resources.nodes: 0 is out of range"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {nodes: two}}\n",
                "line 1: preprocess.resources.nodes: expected an integer, got 'two'"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {exclusive: maybe}}\n",
                "line 1: preprocess.resources.exclusive: expected true or false, got 'maybe'"},
        BadSpec{"resources: {output: 'logs dir'}\npreprocess: {input: corpus, output: d}\n",
                "resources.output: 'logs dir'"},
        BadSpec{"resources: {output: 'logs/%u'}\npreprocess: {input: corpus, output: d}\n",
                "resources.output: 'logs/%u'"},
        BadSpec{"preprocess: {input: corpus, list: l.csv, output: d}\n", "preprocess: give exactly one of input"},
        BadSpec{"preprocess: {input: nowhere, output: d}\n", "preprocess.input: "},
        BadSpec{"preprocess: {input: corpus}\n", "preprocess.output: required"},
        BadSpec{"preprocess: {input: corpus, output: \"a\\nb\"}\n", "preprocess.output: 'a\\nb' contains a control"},
        BadSpec{"preprocess: {input: corpus, output: d, args: [--x, \"y\\rz\"]}\n", "preprocess.args[1]: "},
        BadSpec{"search: {spec: jobs/sweep.yaml, out: o}\n", "search.data: required"},
        BadSpec{"search: {spec: jobs/none.yaml, data: jobs/sweep.yaml, out: o}\n", "search.spec: "},
        BadSpec{"search: {spec: jobs/sweep.yaml, data: jobs/sweep.yaml}\n", "search.out: required"},
        BadSpec{"search: {spec: jobs/sweep.yaml, data: jobs/sweep.yaml, out: o, resources: {time: 2}, "
                "requeue: {signal_seconds: 60}}\n",
                "search.requeue.signal_seconds: 60 s ahead of a time limit of 2"},
        BadSpec{"search: {spec: jobs/sweep.yaml, data: jobs/sweep.yaml, out: o, requeue: {signal: 60}}\n",
                "line 1: search.requeue.signal: unknown key (known in search.requeue: signal_seconds"},
        BadSpec{"classify: {model: corpus, inputs: [corpus], format: xml}\n", "classify.format: 'xml'"},
        BadSpec{"classify: {model: corpus}\n", "classify.inputs: required"},
        BadSpec{"launcher: mpiexec\npreprocess: {input: corpus, output: d}\n", "launcher: 'mpiexec' is not srun or mpirun"},
        BadSpec{"mpi: 'pmix;id'\npreprocess: {input: corpus, output: d}\n", "mpi: 'pmix;id'"},
        BadSpec{"name: 'demo;id'\npreprocess: {input: corpus, output: d}\n", "name: 'demo;id' is not a valid name"},
        BadSpec{"modules: ['gcc; id']\npreprocess: {input: corpus, output: d}\n", "modules[0]: 'gcc; id'"},
        BadSpec{"env: {'A-B': 1}\npreprocess: {input: corpus, output: d}\n", "env.A-B: 'A-B' is not an environment"},
        BadSpec{"env: {A: \"x\\ny\"}\npreprocess: {input: corpus, output: d}\n", "env.A: contains a control"},
        BadSpec{"env: {BASH_ENV: /tmp/x.sh}\npreprocess: {input: corpus, output: d}\n", "env.BASH_ENV: 'BASH_ENV' may not be set"},
        BadSpec{"env: {LD_PRELOAD: x.so}\npreprocess: {input: corpus, output: d}\n", "env.LD_PRELOAD: 'LD_PRELOAD' may not"},
        BadSpec{"env: {SLURM_JOB_ID: 1}\npreprocess: {input: corpus, output: d}\n", "env.SLURM_JOB_ID: 'SLURM_JOB_ID' may not"},
        // #13.10: each of these replaced the program or its libraries in every rendered script.
        BadSpec{"env: {genre: /x/evil.sh}\npreprocess: {input: corpus, output: d}\n", "env.genre: 'genre' may not be set"},
        BadSpec{"env: {PATH: /x}\npreprocess: {input: corpus, output: d}\n", "env.PATH: 'PATH' may not be set"},
        BadSpec{"env: {LD_LIBRARY_PATH: /x}\npreprocess: {input: corpus, output: d}\n",
                "env.LD_LIBRARY_PATH: 'LD_LIBRARY_PATH' may not be set"},
        BadSpec{"env: {LD_BIND_NOW: 1}\npreprocess: {input: corpus, output: d}\n", "env.LD_BIND_NOW: 'LD_BIND_NOW' may not"},
        BadSpec{"env: {GCONV_PATH: /x}\npreprocess: {input: corpus, output: d}\n", "env.GCONV_PATH: 'GCONV_PATH' may not"},
        BadSpec{"env: {OMPI_MCA_plm_rsh_agent: /x/evil.sh}\npreprocess: {input: corpus, output: d}\n",
                "env.OMPI_MCA_plm_rsh_agent: 'OMPI_MCA_plm_rsh_agent' may not"},
        BadSpec{"genre: /nonexistent/genre\npreprocess: {input: corpus, output: d}\n", "genre: /nonexistent/genre does not"},
        BadSpec{"preprocess: [1, 2]\n", "line 1: preprocess: is a section (input, list, output, args, resources), got a list"},
        BadSpec{"search:\n", "search.spec: required"},
        BadSpec{"- a\n- b\n", "the spec must be a YAML map"},
        BadSpec{"preprocess: {input: corpus, output: d\n", "line 2: YAML syntax error"},
        // One key written twice: refused naming both lines, not "the first one wins".
        BadSpec{"name: a\npreprocess: {input: corpus, output: d}\nname: b\n", "line 3: name: is given twice (first at line 1"},
        BadSpec{"preprocess: {input: corpus, output: d, resources: {ntasks-per-node: 2, ntasks_per_node: 3}}\n",
                "line 1: preprocess.resources.ntasks_per_node: is given twice (first as preprocess.resources.ntasks-per-node at line 1; - and _"},
        BadSpec{"env: &e {A: 1}\npreprocess: {input: corpus, output: d}\n", "line 1: env: uses an anchor or alias"}),
    // Test names from the key the message must name: "07_preprocess_resources_qos".
    [](const ::testing::TestParamInfo<BadSpec>& info) {
      std::string name = std::to_string(info.index);
      if (name.size() < 2) name.insert(0, "0");
      name += "_";
      for (const char* c = info.param.expected; *c && *c != ':'; ++c)
        name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      return name;
    });

TEST(ShellQuote, RoundTripsThroughBash) {
  // The quoted text, given to a real bash, comes back byte for byte.
  const std::string nasty = "a'b\"c $(touch /tmp/genre-pwned) `id` ; | & > < * ? ~ \\ ${HOME} !x";
  const std::string command = "printf %s " + shell_quote(nasty);
  std::FILE* p = ::popen(("bash -c " + shell_quote(command)).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string got;
  char buf[256];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) got.append(buf, n);
  EXPECT_EQ(::pclose(p), 0);
  EXPECT_EQ(got, nasty);
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace genre::slurm
