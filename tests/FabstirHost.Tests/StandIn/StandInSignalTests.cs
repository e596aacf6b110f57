using FabstirHost.Tests.Infrastructure;
using Xunit;
using static FabstirHost.Tests.StandIn.StandInNodeFacts;

namespace FabstirHost.Tests.StandIn
{
    /// <summary>SIGINT is honoured only after the banner; SIGTERM always kills at once.</summary>
    public sealed class StandInSignalTests
    {
        [Fact]
        public async Task SigintAfterTheBannerSaysGoodbyeAndExitsZero()
        {
            using var node = new StandInProcess();
            await node.WaitForLineAsync("Press Ctrl+C to shutdown...", StartupTimeout, OutputStream.Stdout);

            node.SendSignal(StandInProcess.SigInt);

            Assert.Equal(0, await node.WaitForExitAsync(ExitTimeout));
            IReadOnlyList<string> stdout = node.Stdout;
            int shutting = Array.IndexOf(stdout.ToArray(), "⏹️  Shutting down...");
            Assert.True(shutting > 0, node.Transcript);
            Assert.Equal("👋 Goodbye!", stdout[^1]);
            DateTime shuttingDown = node.Lines.First(l => l.Text.Contains("Shutting down")).ReceivedUtc;
            TimeSpan took = node.Process.ExitTime.ToUniversalTime() - shuttingDown;
            Assert.True(took < TimeSpan.FromSeconds(1), $"Shutdown took {took}.");
        }

        [Fact]
        public async Task SigintDuringTheLoadKillsTheNodeWithoutGoodbye()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_LOAD_MS", "5000")));
            await node.WaitForLineAsync("📦 Loading model:", StartupTimeout, OutputStream.Stdout);

            node.SendSignal(StandInProcess.SigInt);

            if (SigintIgnoredByThisProcess())
            {
                // Started from a background job of a non-interactive shell, the node inherits SIGINT
                // ignored and, like the real one, goes on loading until it handles it after the banner.
                await node.WaitForBannerAsync();
                Assert.False(node.Process.HasExited, node.Transcript);
                return;
            }

            Assert.Equal(130, await node.WaitForExitAsync(ExitTimeout));
            Assert.DoesNotContain(node.Stdout, l => l.Contains("Goodbye") || l.Contains("Shutting down"));
        }

        /// <summary>Whether SIGINT is ignored here, and so in every child this process starts.</summary>
        private static bool SigintIgnoredByThisProcess()
        {
            string mask = File.ReadLines("/proc/self/status")
                .First(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))
                .Substring("SigIgn:".Length).Trim();
            ulong ignored = Convert.ToUInt64(mask, 16);
            return (ignored & (1UL << (StandInProcess.SigInt - 1))) != 0;
        }

        [Fact]
        public async Task SigtermAfterTheBannerIsAnImmediateDeathBySignal()
        {
            using var node = new StandInProcess();
            await node.WaitForBannerAsync();

            node.SendSignal(StandInProcess.SigTerm);

            Assert.Equal(143, await node.WaitForExitAsync(ExitTimeout));
            Assert.DoesNotContain(node.Stdout, l => l.Contains("Goodbye") || l.Contains("Shutting down"));
        }

        [Fact]
        public async Task SigtermDuringTheLoadIsAnImmediateDeathBySignal()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_LOAD_MS", "5000")));
            await node.WaitForLineAsync("📦 Loading model:", StartupTimeout, OutputStream.Stdout);

            node.SendSignal(StandInProcess.SigTerm);

            Assert.Equal(143, await node.WaitForExitAsync(ExitTimeout));
        }

        [Fact]
        public async Task SlowShutdownWaitsBetweenShuttingDownAndGoodbye()
        {
            using var node = new StandInProcess(Env(("FABSTIR_STANDIN_SHUTDOWN_DELAY_MS", "800")));
            await node.WaitForLineAsync("Press Ctrl+C to shutdown...", StartupTimeout, OutputStream.Stdout);

            node.SendSignal(StandInProcess.SigInt);
            OutputLine shutting = await node.WaitForLineAsync("⏹️  Shutting down...", ExitTimeout);
            OutputLine goodbye = await node.WaitForLineAsync("👋 Goodbye!", ExitTimeout);

            Assert.Equal(0, await node.WaitForExitAsync(ExitTimeout));
            Assert.True(goodbye.ReceivedUtc - shutting.ReceivedUtc >= TimeSpan.FromMilliseconds(700),
                $"Goodbye came {(goodbye.ReceivedUtc - shutting.ReceivedUtc).TotalMilliseconds} ms after.");
        }
    }
}
