using System.Text.RegularExpressions;
using FabstirHost.Tests.Infrastructure;
using Xunit;
using static FabstirHost.Tests.StandIn.StandInNodeFacts;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>The stand-in's startup transcript matches the real node's, line by line where it matters.</summary>
    public sealed class StandInTranscriptTests
    {
        private static readonly Regex AnsiTracingLine = new(
            @"^\u001b\[2m\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\u001b\[0m \u001b\[3\dm( INFO| WARN|ERROR|DEBUG|TRACE)"
            + @"\u001b\[0m \u001b\[2mfabstir_llm_node::[a-z0-9_:]+\u001b\[0m\u001b\[2m:\u001b\[0m .+$");

        [Fact]
        public async Task MarkersAppearInTheNodesOrderOnStdout()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();
            IReadOnlyList<string> stdout = node.Stdout;

            Assert.Equal("🚀 Starting Fabstir LLM Node...", stdout[0]);
            Assert.StartsWith("📦 BUILD VERSION: v8.38.0-", stdout[2]);
            int validation = stdout.IndexOf("ℹ️  Model validation DISABLED");
            int loading = stdout.IndexOf($"📦 Loading model: {node.ModelPath}");
            int bare = Array.IndexOf(stdout.ToArray(), "Model loaded successfully!");
            int loaded = stdout.IndexOf("✅ Model loaded successfully (ID: ");
            int configuring = stdout.IndexOf("📡 Configuring P2P networking...");
            int created = stdout.IndexOf("✅ P2P node created with ID: 12D3KooW");
            int started = Array.IndexOf(stdout.ToArray(), "✅ P2P node started");
            int api = stdout.IndexOf("🌐 Starting API server...");
            int payments = stdout.IndexOf("ℹ️  HOST_PRIVATE_KEY not set - checkpoint submission disabled");
            string apiLine = $"✅ API server started on http://0.0.0.0:{node.ApiPort}";
            int apiStarted = Array.IndexOf(stdout.ToArray(), apiLine);
            int running = Array.IndexOf(stdout.ToArray(), "🎉 Fabstir LLM Node is running with REAL inference!");
            int[] order =
            {
                validation, loading, bare, loaded, configuring, created, started, api, payments, apiStarted, running,
            };
            Assert.True(order.All(i => i >= 0), node.Transcript);
            Assert.Equal(order.OrderBy(i => i), order);

            Assert.Equal(loaded - 1, bare);
            Assert.Matches(@"^✅ Model loaded successfully \(ID: [0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\)$", stdout[loaded]);
            Assert.Equal("   GPU layers: 35", stdout[loaded + 1]);
            Assert.Equal("   Context size: 8192 tokens", stdout[loaded + 2]);
            Assert.Equal("   Batch size: 2048 tokens", stdout[loaded + 3]);
            Assert.Equal(
                new[]
                {
                    $"   Listening on: /ip4/0.0.0.0/tcp/{node.P2PPort}",
                    $"   Listening on: /ip4/0.0.0.0/tcp/{node.P2PPort + 1}",
                    $"   Listening on: /ip4/0.0.0.0/udp/{node.P2PPort + 2}/quic-v1",
                },
                stdout.Skip(started + 1).Take(3));
        }

        [Fact]
        public async Task LoaderNoiseAndNothingElseGoesToStderr()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();

            Assert.Contains(node.Stderr, l => l.StartsWith("llama_model_loader: ", StringComparison.Ordinal));
            Assert.DoesNotContain(node.Stderr, l => l.Contains(ModelLoadedMarker) || l.Contains(P2PStartedMarker)
                || l.Contains(ApiStartedMarker) || l.Contains(RunningMarker));
            Assert.DoesNotContain(node.Stdout, l => l.StartsWith("llama_", StringComparison.Ordinal));
        }

        [Fact]
        public async Task TracingLinesCarryAnsiColoursThoughStdoutIsAPipe()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();

            string[] tracing = node.Stdout.Where(l => l.Contains("fabstir_llm_node::")).ToArray();
            Assert.NotEmpty(tracing);
            Assert.All(tracing, line => Assert.Matches(AnsiTracingLine, line));
            Assert.Contains(tracing, l => l.Contains("\u001b[32m INFO\u001b[0m"));
            Assert.Contains(tracing, l => l.Contains("\u001b[33m WARN\u001b[0m"));
        }

        [Fact]
        public async Task BannerIsFramedBySixtyEqualsAndListsTheNode()
        {
            using var node = new StandInProcess();
            await node.WaitForLineAsync("Press Ctrl+C to shutdown...", StartupTimeout, OutputStream.Stdout);
            IReadOnlyList<string> stdout = node.Stdout;
            int running = stdout.IndexOf(RunningMarker);
            string peerId = stdout[stdout.IndexOf("✅ P2P node created with ID: ")].Split(": ")[1];

            Assert.Equal(Separator, stdout[running - 1]);
            Assert.Equal(Separator, stdout[running + 1]);
            Assert.Equal($"Peer ID:        {peerId}", stdout[running + 2]);
            Assert.Equal($"P2P Ports:      {node.P2PPort}-{node.P2PPort + 2}", stdout[running + 3]);
            Assert.Equal($"API Port:       {node.ApiPort}", stdout[running + 4]);
            Assert.Equal($"Model:          {Path.GetFileName(node.ModelPath)}", stdout[running + 5]);
            Assert.Contains($"  Health:       http://localhost:{node.ApiPort}/health", stdout);
            Assert.Contains(stdout, l => l.StartsWith($"  curl -X POST http://localhost:{node.ApiPort}/v1/inference"));
            Assert.Matches("^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$", peerId);
        }

        [Fact]
        public async Task PeerIdIsNewOnEveryStart()
        {
            using var first = new StandInProcess();
            using var second = new StandInProcess();

            OutputLine a = await first.WaitForLineAsync("P2P node created with ID", StartupTimeout);
            OutputLine b = await second.WaitForLineAsync("P2P node created with ID", StartupTimeout);

            Assert.NotEqual(a.Text, b.Text);
        }

        [Fact]
        public async Task CommandLineArgumentsAreIgnoredAndTheNodeStarts()
        {
            using var node = new StandInProcess(arguments: new[] { "--version" });

            await node.WaitForBannerAsync();

            Assert.DoesNotContain(node.Stdout, l => l.Trim() == "8.38.0");
        }

        [Fact]
        public async Task LoadFailureIsReportedAndTheBannerStillFollows()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_LOAD_FAIL", "1")));

            OutputLine failure =
                await node.WaitForLineAsync("❌ Failed to load model: ", StartupTimeout, OutputStream.Stderr);
            OutputLine banner = await node.WaitForBannerAsync();

            Assert.Contains("   The node will start but inference won't work.", node.Stderr);
            Assert.True(failure.Index < banner.Index);
            Assert.DoesNotContain(node.Stdout, l => l.Contains(ModelLoadedMarker));
        }

        [Fact]
        public async Task AFileThatIsNotGgufFailsToLoadLikeTheNode()
        {
            string folder = Directory.CreateTempSubdirectory("fabstir-notgguf-").FullName;
            try
            {
                string model = Path.Combine(folder, "model.gguf");
                File.WriteAllText(model, "this is not a model");
                using var node = new StandInProcess(Env(("MODEL_PATH", model)));

                await node.WaitForBannerAsync();

                Assert.Contains(node.Stderr, l => l.StartsWith("❌ Failed to load model: "));
                Assert.DoesNotContain(node.Stdout, l => l.Contains(ModelLoadedMarker));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public async Task DisableLlmSkipsTheModelEvenWhenTheFileIsMissing()
        {
            using var node = new StandInProcess(Env(
                ("DISABLE_LLM", "true"),
                ("MODEL_PATH", "/nonexistent/model.gguf")));

            await node.WaitForBannerAsync();

            Assert.Contains(node.Stdout, l => l.StartsWith("🚫 DISABLE_LLM set — skipping LLM model load"));
            Assert.DoesNotContain(node.Stdout, l => l.Contains("Loading model") || l.Contains(ModelLoadedMarker));
        }

        [Fact]
        public async Task RustLogFiltersTracingLinesButNotPlainOnes()
        {
            using var node = new StandInProcess(Env(("RUST_LOG", "warn")));

            await node.WaitForBannerAsync();

            string[] tracing = node.Stdout.Where(l => l.Contains("fabstir_llm_node::")).ToArray();
            Assert.NotEmpty(tracing);
            Assert.All(tracing, l => Assert.Contains("\u001b[33m WARN\u001b[0m", l));
            Assert.Contains("🌐 Starting API server...", node.Stdout);
        }

        [Fact]
        public async Task KeyEnablesWeb3LinesButIsNeverPrinted()
        {
            const string key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
            using var node = new StandInProcess(Env(("HOST_PRIVATE_KEY", key)));

            await node.WaitForBannerAsync();

            Assert.Contains("🔗 Initializing Web3 client for checkpoint submission...", node.Stdout);
            Assert.Contains(node.Stdout, l => l.StartsWith("⚠️  Failed to initialize Web3 client: "));
            Assert.DoesNotContain(node.Lines, l => l.Text.Contains(key[2..], StringComparison.OrdinalIgnoreCase));
        }
    }
}
