using System.Net;
using System.Net.Sockets;
using System.Text;
using FabstirHost.Tests.Infrastructure;
using Xunit;
using static FabstirHost.Tests.StandIn.StandInNodeFacts;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>The node's failures: what it prints, when, and with which exit code.</summary>
    public sealed class StandInFailureTests
    {
        private const string AddressInUse = "Address already in use (os error 98)";

        [Fact]
        public async Task MissingModelStopsRightAfterTheValidationStep()
        {
            using var node = new StandInProcess(Env(("MODEL_PATH", "/nonexistent/model.gguf")));

            Assert.Equal(1, await node.WaitForExitAsync(ExitTimeout));

            Assert.Equal(
                new[]
                {
                    "⚠️  Model file not found at: /nonexistent/model.gguf",
                    "   Please ensure the GGUF model file exists.",
                    "Error: Model file not found",
                },
                node.Stderr);
            Assert.StartsWith("ℹ️  Model validation DISABLED", node.Stdout[^1]);
        }

        [Fact]
        public async Task ValidationWithoutKeyFailsBeforeLoading()
        {
            using var node = new StandInProcess(Env(("REQUIRE_MODEL_VALIDATION", "true")));

            Assert.Equal(1, await node.WaitForExitAsync(ExitTimeout));

            Assert.Equal("❌ REQUIRE_MODEL_VALIDATION=true but HOST_PRIVATE_KEY not set!", node.Stderr[0]);
            Assert.DoesNotContain(node.Stdout, l => l.Contains("Loading model"));
        }

        [Fact]
        public async Task ApiPortInUseFailsAfterTheModelLoad()
        {
            int port = FreePort.Tcp();
            var blocker = new TcpListener(IPAddress.Any, port);
            blocker.Start();
            try
            {
                using var node = new StandInProcess(Env(("API_PORT", port.ToString())));

                Assert.Equal(1, await node.WaitForExitAsync(ExitTimeout));

                Assert.Equal($"Error: {AddressInUse}", node.Stderr[^1]);
                Assert.Contains(node.Stdout, l => l.StartsWith("✅ Model loaded successfully"));
                Assert.Contains("✅ P2P node started", node.Stdout);
                Assert.DoesNotContain(node.Stdout, l => l.Contains(ApiStartedMarker));
            }
            finally
            {
                blocker.Stop();
            }
        }

        [Theory]
        [InlineData(0, "tcp")]
        [InlineData(1, "tcp")]
        [InlineData(2, "udp")]
        public async Task EachP2PPortInUseFailsWithACauseChain(int offset, string protocol)
        {
            int p2p = FreePort.Range(3);
            using IDisposable blocker = Occupy(p2p + offset, protocol);
            using var node = new StandInProcess(Env(("P2P_PORT", p2p.ToString())));

            Assert.Equal(1, await node.WaitForExitAsync(ExitTimeout));

            IReadOnlyList<string> stderr = node.Stderr;
            Assert.Contains(stderr, l => l.StartsWith($"Error: ") && l.Contains($"/{protocol}/{p2p + offset}"));
            Assert.Contains("Caused by:", stderr);
            Assert.EndsWith(AddressInUse, stderr[^1]);
            Assert.Contains(node.Stdout, l => l.StartsWith("✅ Model loaded successfully"));
            Assert.DoesNotContain(node.Stdout, l => l.Contains(P2PStartedMarker));
        }

        [Theory]
        [InlineData("API_PORT")]
        [InlineData("P2P_PORT")]
        public async Task NonNumericPortFailsOnlyAfterTheModelLoaded(string variable)
        {
            using var node = new StandInProcess(Env((variable, "eighty")));

            Assert.Equal(1, await node.WaitForExitAsync(ExitTimeout));

            Assert.StartsWith("Error: ", node.Stderr[^1]);
            Assert.Contains(node.Stdout, l => l.StartsWith("✅ Model loaded successfully"));
            Assert.DoesNotContain(node.Stdout, l => l.Contains(ApiStartedMarker));
        }

        [Theory]
        [InlineData("exit", 1, "Error: ")]
        [InlineData("panic", 101, "thread 'main' panicked at ")]
        public async Task CrashAfterReadyEndsLikeTheNode(string mode, int exitCode, string firstErrorLine)
        {
            using var node = new StandInProcess(Env(
                ("FABSTIR_STANDIN_CRASH_AFTER_READY_MS", "300"),
                ("FABSTIR_STANDIN_CRASH_MODE", mode)));
            OutputLine banner = await node.WaitForBannerAsync();

            Assert.Equal(exitCode, await node.WaitForExitAsync(ExitTimeout));

            OutputLine error = node.Lines.First(
                l => l.Stream == OutputStream.Stderr && l.Text.StartsWith(firstErrorLine));
            Assert.True(error.Index > banner.Index);
        }

        [Fact]
        public async Task HangBeforeReadyNeverStartsTheApi()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_HANG_BEFORE_READY", "1")));
            await node.WaitForLineAsync(P2PStartedMarker, StartupTimeout, OutputStream.Stdout);

            // An absence can only be observed over a window; the node would have printed its
            // listen addresses 500 ms after this line.
            Task exit = node.Process.WaitForExitAsync();
            Assert.NotSame(exit, await Task.WhenAny(exit, Task.Delay(1500)));

            Assert.DoesNotContain(node.Stdout, l => l.Contains("Listening on") || l.Contains("Starting API server"));
            await Assert.ThrowsAsync<SocketException>(async () =>
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, node.ApiPort);
            });
        }

        private static IDisposable Occupy(int port, string protocol)
        {
            if (protocol == "udp")
            {
                return new UdpClient(new IPEndPoint(IPAddress.Any, port));
            }

            var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return listener;
        }
    }
}
