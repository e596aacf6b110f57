using FabstirHost.Tests.Infrastructure;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>Texts and limits the stand-in tests share, taken from the node reference page.</summary>
    internal static class StandInNodeFacts
    {
        public const string ModelLoadedMarker = "Model loaded successfully";
        public const string P2PStartedMarker = "P2P node started";
        public const string ApiStartedMarker = "API server started";
        public const string RunningMarker = "Fabstir LLM Node is running";
        public const string Separator = "============================================================";

        public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(20);
        public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

        public static Dictionary<string, string?> Env(params (string Name, string? Value)[] variables) =>
            variables.ToDictionary(v => v.Name, v => v.Value);

        public static Task<OutputLine> WaitForBannerAsync(this StandInProcess node) =>
            node.WaitForLineAsync(RunningMarker, StartupTimeout, OutputStream.Stdout);

        /// <summary>Index in the stdout lines of the first line containing the text, or -1.</summary>
        public static int IndexOf(this IReadOnlyList<string> lines, string text)
        {
            for (int i = 0; i < lines.Count; i++)
            {
                if (lines[i].Contains(text, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
