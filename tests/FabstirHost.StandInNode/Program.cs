namespace FabstirHost.StandInNode
{
    /// <summary>
    /// A stand-in for <c>fabstir-llm-node</c> 8.38.0 that behaves like it from the outside (output,
    /// ports, HTTP answers, signals, exit codes) without loading any model, so the launcher can be
    /// tested against the node's real awkwardness.
    /// </summary>
    internal static class Program
    {
        public const string VersionNumber = "8.38.0";
        public const string BuildVersion = "v8.38.0-ltx-ingredients-template-2026-07-18";
        public const string BuildDate = "2026-07-18";

        /// <summary>Command-line arguments are ignored, as the node parses none.</summary>
        public static int Main(string[] _)
        {
            var scenarios = Scenarios.FromEnvironment();
            Signals.Install(scenarios.IgnoreSigterm);
            string? rustLog = NodeSettings.Get("RUST_LOG");
            Transcript.Filter = RustLogFilter.Parse(rustLog);
            Transcript.SplitMarkers = scenarios.SplitMarkers;
            new Node(NodeSettings.FromEnvironment(), scenarios).Run();
            return 0;
        }

        /// <summary><c>main</c> returning an error: anyhow's report on stderr and exit 1.</summary>
        public static void Fail(string message)
        {
            Transcript.Err($"Error: {message}");
            Environment.Exit(1);
        }

        /// <summary>A Rust panic on the main thread: the panic message on stderr and exit 101.</summary>
        public static void Panic(string location, string message)
        {
            Transcript.Err($"thread 'main' panicked at {location}:\n{message}");
            Transcript.Err("note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace");
            Environment.Exit(101);
        }
    }
}
