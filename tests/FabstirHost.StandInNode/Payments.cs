using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace FabstirHost.StandInNode
{
    /// <summary>
    /// The payments step (startup step 8). With a key the node builds a Web3 client on RPC_URL and
    /// asks the chain id; on Base Sepolia it then insists on CONTRACT_JOB_MARKETPLACE and panics
    /// without it. The stand-in asks the chain id for real when RPC_URL is set (a test's anvil) and
    /// never calls the public provider the node falls back to, treating it as unreachable.
    /// </summary>
    internal static class Payments
    {
        private const long BaseSepolia = 84532;

        public static void Initialise(string? hostPrivateKey)
        {
            if (hostPrivateKey == null)
            {
                Transcript.Out("ℹ️  HOST_PRIVATE_KEY not set - checkpoint submission disabled");
                Transcript.Out("   To enable payments, set HOST_PRIVATE_KEY environment variable");
                return;
            }

            Transcript.Out("🔗 Initializing Web3 client for checkpoint submission...");
            string? rpcUrl = NodeSettings.Get("RPC_URL");
            (long? chainId, string? failure) = rpcUrl == null
                ? (null, "error sending request: the stand-in does not contact the default public RPC")
                : QueryChainId(rpcUrl);
            if (chainId == null || chainId != BaseSepolia)
            {
                string reason = failure ?? $"Chain ID mismatch: expected {BaseSepolia}, got {chainId}";
                Transcript.Out($"⚠️  Failed to initialize Web3 client: {reason}");
                Transcript.Out("   Node will run but automatic checkpoint submission disabled");
                return;
            }

            Transcript.Out($"🔗 Transaction queue initialized for chain {BaseSepolia}");
            if (string.IsNullOrEmpty(NodeSettings.Get("CONTRACT_JOB_MARKETPLACE")))
            {
                Program.Panic("src/contracts/checkpoint_manager.rs:118:18",
                    "❌ FATAL: CONTRACT_JOB_MARKETPLACE environment variable MUST be set. "
                    + "The node cannot submit checkpoints without the JobMarketplace address.");
            }

            Transcript.Out("✅ Checkpoint manager initialized - payments enabled!");
        }

        private static (long?, string?) QueryChainId(string rpcUrl)
        {
            try
            {
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                const string request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
                using var content = new StringContent(request, Encoding.UTF8, "application/json");
                using HttpResponseMessage response = client.PostAsync(rpcUrl, content).GetAwaiter().GetResult();
                string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                using JsonDocument document = JsonDocument.Parse(body);
                string hex = document.RootElement.GetProperty("result").GetString() ?? "";
                return (Convert.ToInt64(hex, 16), null);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException
                or JsonException or KeyNotFoundException or FormatException or InvalidOperationException
                or UriFormatException or ArgumentException)
            {
                return (null, $"(code: -32603, message: error sending request for url ({rpcUrl}), data: None)");
            }
        }
    }
}
