using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace FabstirHost.StandInNode
{
    /// <summary>The node's startup steps in the order of its <c>main</c>, then the wait for Ctrl+C.</summary>
    internal sealed class Node
    {
        private const string ServerTarget = "fabstir_llm_node::api::server";
        private const string EngineTarget = "fabstir_llm_node::inference::engine";

        private readonly NodeSettings _settings;
        private readonly Scenarios _scenarios;
        private readonly string _peerId = NewPeerId();
        private P2PPorts? _p2p;

        public Node(NodeSettings settings, Scenarios scenarios)
        {
            _settings = settings;
            _scenarios = scenarios;
        }

        public void Run()
        {
            Announce();
            InitialiseEngine();
            ValidateModel();
            LoadModel();
            StartP2P();
            StartApi();
            InitialiseOptionalServices();
            Payments.Initialise(_settings.HostPrivateKey);
            Transcript.MarkerLine(
                $"✅ API server started on http://0.0.0.0:{_settings.ApiPort}", "API server started");
            PrintBanner();
            Serve();
        }

        private static void Announce()
        {
            Transcript.Out("🚀 Starting Fabstir LLM Node...\n");
            Transcript.Out($"📦 BUILD VERSION: {Program.BuildVersion}");
            Transcript.Out($"📅 Build Date: {Program.BuildDate}");
            Transcript.Out("");
        }

        private static void InitialiseEngine()
        {
            Transcript.Out("🧠 Initializing LLM inference engine...");
            Transcript.Trace(TraceLevel.Info, EngineTarget, "Initializing llama.cpp backend");
            Transcript.Out("✅ Inference engine initialized");
        }

        private void ValidateModel()
        {
            if (!_settings.RequireModelValidation || _settings.DisableLlm)
            {
                Transcript.Out("ℹ️  Model validation DISABLED (set REQUIRE_MODEL_VALIDATION=true to enable)");
                return;
            }

            Transcript.Out("🔒 Model validation ENABLED - validating before loading...");
            if (_settings.HostPrivateKey == null)
            {
                Transcript.Err("❌ REQUIRE_MODEL_VALIDATION=true but HOST_PRIVATE_KEY not set!");
                Transcript.Err("   Model validation requires HOST_PRIVATE_KEY to determine host address.");
                Transcript.Err("   Either:");
                Transcript.Err("     1. Set HOST_PRIVATE_KEY environment variable");
                Transcript.Err("     2. Disable validation: REQUIRE_MODEL_VALIDATION=false");
                Environment.Exit(1);
            }

            // The on-chain checks (registries, approved file name, SHA-256, nodeSupportsModel) are
            // not simulated: the stand-in says so and carries on as if the model were approved.
            Transcript.Out(
                "ℹ️  [stand-in] on-chain model validation is not simulated; treating the model as approved");
        }

        private void LoadModel()
        {
            if (_settings.DisableLlm)
            {
                Transcript.Out("🚫 DISABLE_LLM set — skipping LLM model load (sidecar-only node; "
                    + "LLM inference disabled, sidecars/API still active)");
                return;
            }

            if (!File.Exists(_settings.ModelPath))
            {
                Transcript.Err($"⚠️  Model file not found at: {_settings.ModelPath}");
                Transcript.Err("   Please ensure the GGUF model file exists.");
                Program.Fail("Model file not found");
            }

            Transcript.Out($"📦 Loading model: {_settings.ModelPath}");
            Transcript.Trace(TraceLevel.Info, EngineTarget, $"Loading model from {_settings.ModelPath}");
            int? ggufVersion = ReadGgufVersion(_settings.ModelPath);
            Transcript.Err($"llama_model_loader: loaded meta data with 23 key-value pairs and 201 tensors from "
                + $"{_settings.ModelPath} (version GGUF V{ggufVersion ?? 0} (latest))");
            Transcript.Err("llama_model_loader: - kv   0:"
                + "                       general.architecture str              = llama");
            Thread.Sleep(_scenarios.LoadMilliseconds);
            if (_scenarios.LoadFails || ggufVersion == null)
            {
                Transcript.Err(
                    "llama_model_load: error loading model: invalid magic characters or unsupported file");
                Transcript.Err("llama_load_model_from_file: failed to load model");
                Transcript.Err("❌ Failed to load model: null result from llama cpp");
                Transcript.Err("   The node will start but inference won't work.");
                return;
            }

            Transcript.Err($"llm_load_tensors: offloaded {Math.Min(_settings.GpuLayers, 23)}/23 layers to GPU");
            Transcript.Err($"llama_new_context_with_model: n_ctx      = {_settings.ContextLength}");
            Transcript.Err($"llama_new_context_with_model: n_batch    = {_settings.BatchSize}");
            Transcript.MarkerLine("Model loaded successfully!", "Model loaded successfully");
            Transcript.MarkerLine(
                $"✅ Model loaded successfully (ID: {Guid.NewGuid()})", "Model loaded successfully");
            Transcript.Out($"   GPU layers: {_settings.GpuLayers}");
            Transcript.Out($"   Context size: {_settings.ContextLength} tokens");
            Transcript.Out($"   Batch size: {_settings.BatchSize} tokens");
        }

        private void StartP2P()
        {
            Transcript.Out("\n📡 Configuring P2P networking...");

            // The node builds "/ip4/0.0.0.0/tcp/{P2P_PORT}" and parses it, so a bad port fails as a
            // multiaddr parse error. P+2 overflowing u16 is treated the same way.
            if (!NodeSettings.TryParsePort(_settings.P2PPort, out int port) || port + 2 > ushort.MaxValue)
            {
                Program.Fail("invalid multiaddr");
            }

            _p2p = P2PPorts.Bind(_scenarios.BindAddress, port, out string? error);
            if (error != null)
            {
                Program.Fail(error);
            }

            Transcript.Trace(TraceLevel.Info, "fabstir_llm_node::p2p::node", $"Local peer id: {_peerId}");
            Transcript.Out($"✅ P2P node created with ID: {_peerId}");
            Transcript.MarkerLine("✅ P2P node started", "P2P node started");
            if (_scenarios.HangBeforeReady)
            {
                Thread.Sleep(Timeout.Infinite);
            }

            Thread.Sleep(500);
            foreach (string address in _p2p.ListenAddresses)
            {
                Transcript.Out($"   Listening on: {address}");
            }
        }

        private void StartApi()
        {
            Transcript.Out("\n🌐 Starting API server...");

            // ApiServer::new parses "0.0.0.0:{API_PORT}" as a socket address.
            if (!NodeSettings.TryParsePort(_settings.ApiPort, out int port))
            {
                Program.Fail("invalid socket address syntax");
            }

            try
            {
                new HttpApi(_scenarios.BindAddress, port, _scenarios.NodeName).Start();
            }
            catch (SocketException exception)
            {
                Program.Fail(OsError.Describe(exception));
            }

            Transcript.Trace(TraceLevel.Info, ServerTarget, $"API server listening on 0.0.0.0:{port}");
            TraceKeyState();
            Transcript.Trace(TraceLevel.Warn, ServerTarget, "⚠️ MODERATION_ENFORCE is OFF — the transcode "
                + "moderation gate is NOT enforced (dark-launch).");
        }

        /// <summary>What the API server says about the key; the key itself never appears.</summary>
        private void TraceKeyState()
        {
            string? key = _settings.HostPrivateKey;
            if (key == null)
            {
                Transcript.Trace(TraceLevel.Warn, ServerTarget,
                    "HOST_PRIVATE_KEY not set - encrypted sessions disabled (plaintext only)");
            }
            else if (Regex.IsMatch(key, "^0x[0-9a-fA-F]{64}$"))
            {
                Transcript.Trace(TraceLevel.Info, ServerTarget, "✅ Host private key loaded for encrypted sessions");
            }
            else
            {
                Transcript.Trace(TraceLevel.Warn, ServerTarget,
                    "Invalid HOST_PRIVATE_KEY format - falling back to plaintext-only mode");
            }
        }

        private static void InitialiseOptionalServices()
        {
            Transcript.Out("🧠 Initializing embedding model manager...");
            Transcript.Out("⚠️  Failed to initialize embedding model manager: Model file not found: "
                + "./models/all-MiniLM-L6-v2-onnx/model.onnx");
            Transcript.Out("   /v1/embed endpoint will return 503 Service Unavailable");
            Transcript.Out("   This is optional - node will continue without embeddings");
            Transcript.Out("👁️  Initializing vision model manager...");
            Transcript.Out("   No VLM_ENDPOINT set, using ONNX vision models only");
            Transcript.Out("✅ Vision model manager initialized");
            Transcript.Out("   No vision models loaded");
            Transcript.Out("   /v1/ocr and /v1/describe-image will return 503");
            Transcript.Out("   No DIFFUSION_ENDPOINT set — /v1/images/generate will return 503");
            Transcript.Out("   No TRANSCODER_ENDPOINT set — transcoding will return 503");
            Transcript.Out("   No COMFY_URL set — ltx_generate will return 503");
            Transcript.Out("🔍 Initializing web search service...");
            Transcript.Out("✅ Web search service initialized (enabled by default)");
            Transcript.Out("   Available providers: duckduckgo");
        }

        private void PrintBanner()
        {
            string separator = new('=', 60);
            string api = _settings.ApiPort;
            int p2p = int.Parse(_settings.P2PPort.TrimStart('+'));
            Transcript.Out($"\n{separator}");
            Transcript.MarkerLine(
                "🎉 Fabstir LLM Node is running with REAL inference!", "Fabstir LLM Node is running");
            Transcript.Out(separator);
            Transcript.Out($"Peer ID:        {_peerId}");
            Transcript.Out($"P2P Ports:      {_settings.P2PPort}-{p2p + 2}");
            Transcript.Out($"API Port:       {api}");
            Transcript.Out($"Model:          {_settings.ModelPath.Split('/')[^1]}");
            Transcript.Out($"GPU Layers:     {_settings.GpuLayers}");
            Transcript.Out("\nAPI Endpoints:");
            Transcript.Out($"  Health:       http://localhost:{api}/health");
            Transcript.Out($"  Models:       http://localhost:{api}/v1/models");
            Transcript.Out($"  Inference:    POST http://localhost:{api}/v1/inference");
            Transcript.Out($"  WebSocket:    ws://localhost:{api}/v1/ws");
            Transcript.Out("\nTest with curl:");
            Transcript.Out($"  curl -X POST http://localhost:{api}/v1/inference \\");
            Transcript.Out("    -H 'Content-Type: application/json' \\");
            Transcript.Out("    -d '{\"model\": \"tiny-vicuna\", \"prompt\": \"What is the capital of France?\", "
                + "\"max_tokens\": 50}'");
            Transcript.Out("\nPress Ctrl+C to shutdown...");
            Transcript.Out($"{separator}\n");
        }

        private void Serve()
        {
            Signals.StartServing();
            ReadyScenarios.Start(_scenarios);
            Signals.WaitForInterrupt();
            Transcript.Out("\n⏹️  Shutting down...");
            Thread.Sleep(_scenarios.ShutdownDelayMilliseconds);
            _p2p?.Dispose();
            Transcript.Out("👋 Goodbye!");
            Environment.Exit(0);
        }

        /// <summary>The GGUF version after the magic, or null when the file is not GGUF.</summary>
        private static int? ReadGgufVersion(string path)
        {
            var header = new byte[8];
            using FileStream file = File.OpenRead(path);
            int read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            bool isGguf = read >= 4 && header.AsSpan(0, 4).SequenceEqual("GGUF"u8);
            return !isGguf ? null : read == 8 ? BitConverter.ToInt32(header, 4) : 0;
        }

        /// <summary>A libp2p Ed25519 peer id: "12D3KooW" and 44 more base58 characters, new per start.</summary>
        private static string NewPeerId()
        {
            const string alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
            var chars = new char[44];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }

            return "12D3KooW" + new string(chars);
        }
    }
}
