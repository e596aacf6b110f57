namespace FabstirHost.StandInNode
{
    /// <summary>
    /// The node's configuration, read from the environment only, with the node's own quirks: an
    /// empty variable counts as set, bad numbers fall back to their defaults, and the two ports stay
    /// raw strings because the node only fails on them after the model has loaded.
    /// </summary>
    internal sealed class NodeSettings
    {
        public string ModelPath { get; private init; } = "";

        public string ApiPort { get; private init; } = "";

        public string P2PPort { get; private init; } = "";

        public string? HostPrivateKey { get; private init; }

        public int GpuLayers { get; private init; }

        public int ContextLength { get; private init; }

        public int BatchSize { get; private init; }

        public bool RequireModelValidation { get; private init; }

        public bool DisableLlm { get; private init; }

        public static NodeSettings FromEnvironment()
        {
            return new NodeSettings
            {
                ModelPath = Get("MODEL_PATH") ?? "./models/tiny-vicuna-1b.q4_k_m.gguf",
                ApiPort = (Get("API_PORT") ?? "8080").Trim(),
                P2PPort = (Get("P2P_PORT") ?? "9000").Trim(),
                HostPrivateKey = Get("HOST_PRIVATE_KEY"),
                GpuLayers = Number("GPU_LAYERS", 35),
                ContextLength = Number("MAX_CONTEXT_LENGTH", 8192),
                BatchSize = Number("LLAMA_BATCH_SIZE", 2048),
                RequireModelValidation = Flag("REQUIRE_MODEL_VALIDATION"),
                DisableLlm = Flag("DISABLE_LLM"),
            };
        }

        public static string? Get(string name) => Environment.GetEnvironmentVariable(name);

        /// <summary>Rust's <c>u16</c> parse: ASCII digits with an optional leading plus, at most 65535.</summary>
        public static bool TryParsePort(string text, out int port)
        {
            port = 0;
            string digits = text.StartsWith('+') ? text[1..] : text;
            return digits.Length > 0
                && digits.All(char.IsAsciiDigit)
                && int.TryParse(digits, out port)
                && port <= ushort.MaxValue;
        }

        private static int Number(string name, int fallback)
        {
            string? text = Get(name);
            return text != null && text.All(char.IsAsciiDigit) && int.TryParse(text, out int value)
                ? value
                : fallback;
        }

        private static bool Flag(string name)
        {
            string? text = Get(name)?.Trim();
            return text != null && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1");
        }
    }
}
