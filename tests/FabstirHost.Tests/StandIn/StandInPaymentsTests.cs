using System.Net;
using System.Text;
using FabstirHost.Tests.Infrastructure;
using Xunit;
using static FabstirHost.Tests.StandIn.StandInNodeFacts;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>
    /// The payments step against a real JSON-RPC endpoint answering eth_chainId, as anvil would:
    /// on Base Sepolia the node insists on CONTRACT_JOB_MARKETPLACE.
    /// </summary>
    public sealed class StandInPaymentsTests
    {
        private const string Key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

        [Fact]
        public async Task BaseSepoliaWithoutJobMarketplacePanicsAfterTheOptionalServices()
        {
            using var rpc = new ChainIdEndpoint("0x14a34");
            using var node = new StandInProcess(Env(("HOST_PRIVATE_KEY", Key), ("RPC_URL", rpc.Url)));

            Assert.Equal(101, await node.WaitForExitAsync(ExitTimeout));

            Assert.Contains(node.Stderr, l => l.StartsWith("thread 'main' panicked at "));
            Assert.Contains(node.Stderr,
                l => l.StartsWith("❌ FATAL: CONTRACT_JOB_MARKETPLACE environment variable MUST be set"));
            Assert.Contains(node.Stdout, l => l.Contains("Web search service initialized"));
            Assert.DoesNotContain(node.Stdout, l => l.Contains(ApiStartedMarker));
        }

        [Fact]
        public async Task BaseSepoliaWithJobMarketplaceEnablesPayments()
        {
            using var rpc = new ChainIdEndpoint("0x14a34");
            using var node = new StandInProcess(Env(
                ("HOST_PRIVATE_KEY", Key),
                ("RPC_URL", rpc.Url),
                ("CONTRACT_JOB_MARKETPLACE", "0x0000000000000000000000000000000000000001")));

            await node.WaitForBannerAsync();

            Assert.Contains("✅ Checkpoint manager initialized - payments enabled!", node.Stdout);
        }

        [Fact]
        public async Task AnotherChainIsOnlyAWarning()
        {
            using var rpc = new ChainIdEndpoint("0x7a69");
            using var node = new StandInProcess(Env(("HOST_PRIVATE_KEY", Key), ("RPC_URL", rpc.Url)));

            await node.WaitForBannerAsync();

            Assert.Contains(node.Stdout, l => l.StartsWith("⚠️  Failed to initialize Web3 client: "));
        }

        /// <summary>A real HTTP listener answering every JSON-RPC call with a fixed chain id.</summary>
        private sealed class ChainIdEndpoint : IDisposable
        {
            private readonly HttpListener _listener = new();

            public ChainIdEndpoint(string chainIdHex)
            {
                Url = $"http://127.0.0.1:{FreePort.Tcp()}/";
                _listener.Prefixes.Add(Url);
                _listener.Start();
                _ = ServeAsync(chainIdHex);
            }

            public string Url { get; }

            public void Dispose() => _listener.Close();

            private async Task ServeAsync(string chainIdHex)
            {
                byte[] body = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"{chainIdHex}\"}}");
                try
                {
                    while (true)
                    {
                        HttpListenerContext context = await _listener.GetContextAsync();
                        context.Response.ContentType = "application/json";
                        await context.Response.OutputStream.WriteAsync(body);
                        context.Response.Close();
                    }
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    // Closed at the end of the test.
                }
            }
        }
    }
}
