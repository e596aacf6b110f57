namespace FabstirHost.StandInNode
{
    /// <summary>Scenarios that begin once the banner is out: a later crash and an output flood.</summary>
    internal static class ReadyScenarios
    {
        private const string FloodTarget = "fabstir_llm_node::api::server";

        public static void Start(Scenarios scenarios)
        {
            if (scenarios.CrashAfterReadyMilliseconds is int delay)
            {
                StartThread(() => Crash(delay, scenarios.CrashByPanic));
            }

            if (scenarios.FloodLinesPerSecond > 0)
            {
                StartThread(() => Flood(scenarios.FloodLinesPerSecond, scenarios.FloodSeconds));
            }
        }

        private static void Crash(int delay, bool panic)
        {
            Thread.Sleep(delay);
            if (panic)
            {
                Program.Panic("src/api/server.rs:412:29", "called `Option::unwrap()` on a `None` value");
            }

            Program.Fail("Inference engine stopped unexpectedly: "
                + "CUDA error: an illegal memory access was encountered");
        }

        /// <summary>
        /// Writes linesPerSecond × seconds tracing lines "flood {n}" (n from 1) at an even pace, odd n
        /// to stdout and even n to stderr, then "flood done {total}" on stdout.
        /// </summary>
        private static void Flood(int linesPerSecond, int seconds)
        {
            int total = linesPerSecond * seconds;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int n = 1; n <= total; n++)
            {
                Transcript.UnfilteredTrace(toStandardError: n % 2 == 0, FloodTarget, $"flood {n}");
                double due = n * 1000.0 / linesPerSecond;
                int wait = (int)(due - clock.Elapsed.TotalMilliseconds);
                if (wait > 0)
                {
                    Thread.Sleep(wait);
                }
            }

            Transcript.Out($"flood done {total}");
        }

        private static void StartThread(Action body) =>
            new Thread(() => body()) { IsBackground = true }.Start();
    }
}
