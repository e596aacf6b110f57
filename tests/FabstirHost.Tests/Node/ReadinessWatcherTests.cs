using FabstirHost.Core.Node;
using Xunit;

namespace FabstirHost.Tests.Node
{
    public sealed class ReadinessWatcherTests
    {
        private const string Colored =
            "\u001b[2m2026-07-18T10:00:00.123456Z\u001b[0m \u001b[32m INFO\u001b[0m fabstir_llm_node::api: ";

        [Fact]
        public async Task Ready_after_the_four_markers_in_order()
        {
            var watcher = new ReadinessWatcher();
            var phases = new List<NodePhase>();
            watcher.PhaseReached += phases.Add;

            watcher.Append(NodeStream.Stdout, "📦 Loading model: /m.gguf\nModel loaded successfully!\n");
            watcher.Append(NodeStream.Stdout, "✅ P2P node started\n🌐 Starting API server...\n");
            watcher.Append(NodeStream.Stdout, "✅ API server started on http://0.0.0.0:8080\n");
            Assert.False(watcher.Outcome.IsCompleted);
            watcher.Append(NodeStream.Stdout, "🎉 Fabstir LLM Node is running with REAL inference!\n");

            ReadinessOutcome outcome = await watcher.Outcome.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ReadinessResult.Ready, outcome.Result);
            Assert.Equal(NodePhase.Running, outcome.Phase);
            Assert.Equal(
                new[] { NodePhase.ModelLoaded, NodePhase.P2PStarted, NodePhase.ApiStarted, NodePhase.Running },
                phases);
        }

        [Fact]
        public async Task Markers_split_across_reads_and_wrapped_in_colour_codes_are_found()
        {
            var watcher = new ReadinessWatcher();
            string[] chunks =
            {
                "✅ Model loaded succ", "essfully (ID: 1)\r\n✅ P2P no", "de started\r\n",
                Colored + "\u001b[1mAPI\u001b[0m server ", "started on http://0.0.0.0:1\n",
                "🎉 Fabstir LLM ", "Node is ", "running with REAL inference!", "\n",
            };
            foreach (string chunk in chunks)
            {
                Assert.False(watcher.Outcome.IsCompleted);
                watcher.Append(NodeStream.Stdout, chunk);
            }

            ReadinessOutcome outcome = await watcher.Outcome.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ReadinessResult.Ready, outcome.Result);
        }

        [Fact]
        public void A_marker_cut_by_a_read_is_not_seen_until_its_line_ends()
        {
            var watcher = new ReadinessWatcher();
            IReadOnlyList<string> lines = watcher.Append(NodeStream.Stdout, "✅ Model loaded successfully");

            Assert.Empty(lines);
            Assert.Equal(NodePhase.Launching, watcher.Phase);
            Assert.Single(watcher.Append(NodeStream.Stdout, " (ID: x)\n"));
            Assert.Equal(NodePhase.ModelLoaded, watcher.Phase);
        }

        [Fact]
        public async Task Failed_to_load_model_fails_even_though_the_banner_follows()
        {
            var watcher = new ReadinessWatcher();
            watcher.Append(NodeStream.Stderr, "❌ Failed to load model: invalid magic\n");
            watcher.Append(NodeStream.Stderr, "   The node will start but inference won't work.\n");
            watcher.Append(NodeStream.Stdout, "✅ P2P node started\n✅ API server started\n");
            watcher.Append(NodeStream.Stdout, "🎉 Fabstir LLM Node is running with REAL inference!\n");

            ReadinessOutcome outcome = await watcher.Outcome.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ReadinessResult.ModelLoadFailed, outcome.Result);
            Assert.Equal("❌ Failed to load model: invalid magic", outcome.FailureLine);
        }

        [Fact]
        public async Task An_exit_before_readiness_reports_the_code_the_phase_and_the_last_lines()
        {
            var watcher = new ReadinessWatcher(lastLineCount: 2);
            watcher.Append(NodeStream.Stdout, "🚀 Starting Fabstir LLM Node...\n");
            watcher.Append(NodeStream.Stderr, "⚠️  Model file not found at: /x.gguf\n");
            watcher.Append(NodeStream.Stderr, "Error: Model file not found");
            Assert.Equal("Error: Model file not found", watcher.EndStream(NodeStream.Stderr));
            watcher.ProcessExited(1);

            ReadinessOutcome outcome = await watcher.Outcome.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ReadinessResult.Exited, outcome.Result);
            Assert.Equal(1, outcome.ExitCode);
            Assert.Equal(NodePhase.Launching, outcome.Phase);
            Assert.Equal(new[] { "⚠️  Model file not found at: /x.gguf", "Error: Model file not found" }, outcome.LastLines);
        }

        [Fact]
        public async Task An_exit_after_readiness_does_not_change_the_outcome()
        {
            var watcher = new ReadinessWatcher();
            watcher.Append(NodeStream.Stdout,
                "Model loaded successfully\nP2P node started\nAPI server started\nFabstir LLM Node is running\n");
            watcher.ProcessExited(101);

            Assert.Equal(ReadinessResult.Ready, (await watcher.Outcome).Result);
        }

        [Fact]
        public void A_later_marker_does_not_count_before_the_earlier_ones()
        {
            var watcher = new ReadinessWatcher();
            watcher.Append(NodeStream.Stdout, "API server started\n");
            Assert.Equal(NodePhase.Launching, watcher.Phase);
            watcher.Append(NodeStream.Stdout, "Model loaded successfully\nP2P node started\n");
            Assert.Equal(NodePhase.ApiStarted, watcher.Phase);
        }

        [Fact]
        public async Task Both_streams_fed_at_once_keep_their_own_partial_lines()
        {
            var watcher = new ReadinessWatcher();
            var noise = Task.Run(() =>
            {
                for (int i = 0; i < 2000; i++)
                {
                    watcher.Append(NodeStream.Stderr, "llama_model_load: tensor " + i + (i % 3 == 0 ? "\n" : " "));
                }
            });
            foreach (string part in new[] { "Model loaded ", "successfully\nP2P node ", "started\nAPI server started\n",
                "Fabstir LLM Node is ", "running\n" })
            {
                watcher.Append(NodeStream.Stdout, part);
            }

            await noise;
            Assert.Equal(ReadinessResult.Ready, (await watcher.Outcome.WaitAsync(TimeSpan.FromSeconds(5))).Result);
        }

        [Fact]
        public void Ansi_codes_are_removed()
        {
            Assert.Equal("2026-07-18T10:00:00.123456Z  INFO fabstir_llm_node::api: x", AnsiText.Strip(Colored + "x"));
            Assert.Equal("title gone", AnsiText.Strip("\u001b]0;window\u0007title gone"));
        }
    }
}
