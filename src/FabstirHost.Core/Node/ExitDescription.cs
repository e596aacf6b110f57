namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Says how the node ended in words an operator can act on. .NET reports a death by signal
    /// as 128 + the signal number, which reads like an ordinary exit code unless it is named.
    /// </summary>
    public static class ExitDescription
    {
        private const int RustPanicExitCode = 101;

        /// <summary>"exited with code 1", "exited with code 101 (a panic)", "was killed by SIGKILL (exit code 137)".</summary>
        public static string Describe(int? exitCode)
        {
            if (exitCode == null)
            {
                return "ended with no exit code recorded";
            }

            string? signal = SignalName(exitCode.Value - 128);
            if (exitCode.Value > 128 && signal != null)
            {
                return $"was killed by {signal} (exit code {exitCode})";
            }

            return exitCode.Value == RustPanicExitCode
                ? $"exited with code {exitCode} (a panic)"
                : $"exited with code {exitCode}";
        }

        private static string? SignalName(int signal)
        {
            switch (signal)
            {
                case 1: return "SIGHUP";
                case 2: return "SIGINT";
                case 6: return "SIGABRT";
                case 9: return "SIGKILL (out of memory, or killed by hand)";
                case 11: return "SIGSEGV (a crash)";
                case 15: return "SIGTERM";
                default: return null;
            }
        }
    }
}
