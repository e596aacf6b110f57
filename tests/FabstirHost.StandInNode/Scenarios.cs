using System.Net;

namespace FabstirHost.StandInNode
{
    /// <summary>
    /// Test-only behaviours, chosen by FABSTIR_STANDIN_* variables so they cannot collide with
    /// anything the real node reads. Without them the stand-in behaves like a healthy node.
    /// </summary>
    internal sealed class Scenarios
    {
        private const string Prefix = "FABSTIR_STANDIN_";

        /// <summary>How long the simulated model load takes.</summary>
        public int LoadMilliseconds { get; private init; }

        /// <summary>The model file exists but fails to load (the node carries on without it).</summary>
        public bool LoadFails { get; private init; }

        /// <summary>Milliseconds after the banner at which the node dies, or null.</summary>
        public int? CrashAfterReadyMilliseconds { get; private init; }

        /// <summary>True to die with a Rust panic (101) instead of an error return (1).</summary>
        public bool CrashByPanic { get; private init; }

        /// <summary>Hang forever right after "P2P node started".</summary>
        public bool HangBeforeReady { get; private init; }

        public int FloodLinesPerSecond { get; private init; }

        public int FloodSeconds { get; private init; }

        /// <summary>Write each readiness marker line in two writes with a pause between them.</summary>
        public bool SplitMarkers { get; private init; }

        /// <summary>Pause between "Shutting down..." and "Goodbye!" on SIGINT.</summary>
        public int ShutdownDelayMilliseconds { get; private init; }

        /// <summary>
        /// SIGTERM has no effect, as for the node running as PID 1 in a container: only SIGKILL
        /// ends it once SIGINT did not.
        /// </summary>
        public bool IgnoreSigterm { get; private init; }

        /// <summary>Where HTTP and P2P bind instead of 0.0.0.0.</summary>
        public IPAddress BindAddress { get; private init; } = IPAddress.Any;

        /// <summary>Extra <c>standinNode</c> field of /v1/version, to tell two stand-ins apart.</summary>
        public string? NodeName { get; private init; }

        public static Scenarios FromEnvironment()
        {
            string? bind = Get("BIND_ADDRESS");
            return new Scenarios
            {
                LoadMilliseconds = Number("LOAD_MS") ?? 200,
                LoadFails = Get("LOAD_FAIL") == "1",
                CrashAfterReadyMilliseconds = Number("CRASH_AFTER_READY_MS"),
                CrashByPanic = string.Equals(Get("CRASH_MODE"), "panic", StringComparison.OrdinalIgnoreCase),
                HangBeforeReady = Get("HANG_BEFORE_READY") == "1",
                FloodLinesPerSecond = Number("FLOOD_LINES_PER_SEC") ?? 0,
                FloodSeconds = Number("FLOOD_SECONDS") ?? 1,
                SplitMarkers = Get("SPLIT_MARKERS") == "1",
                ShutdownDelayMilliseconds = Number("SHUTDOWN_DELAY_MS") ?? 0,
                IgnoreSigterm = Get("IGNORE_SIGTERM") == "1",
                BindAddress = string.IsNullOrEmpty(bind) ? IPAddress.Any : IPAddress.Parse(bind),
                NodeName = Get("NODE_NAME"),
            };
        }

        private static string? Get(string name) => Environment.GetEnvironmentVariable(Prefix + name);

        private static int? Number(string name) =>
            int.TryParse(Get(name), out int value) && value >= 0 ? value : null;
    }
}
