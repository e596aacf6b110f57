using FabstirHost.Core.Node;
using Xunit;

namespace FabstirHost.Tests.Node
{
    public sealed class ExitDescriptionTests
    {
        [Theory]
        [InlineData(1, "exited with code 1")]
        [InlineData(101, "exited with code 101 (a panic)")]
        [InlineData(137, "was killed by SIGKILL (out of memory, or killed by hand) (exit code 137)")]
        [InlineData(143, "was killed by SIGTERM (exit code 143)")]
        [InlineData(130, "was killed by SIGINT (exit code 130)")]
        [InlineData(200, "exited with code 200")]
        public void Names_signals_and_panics(int exitCode, string expected)
        {
            Assert.Equal(expected, ExitDescription.Describe(exitCode));
        }

        [Fact]
        public async Task A_killed_stand_in_is_described_as_killed()
        {
            using var node = new Infrastructure.StandInProcess(new Dictionary<string, string?>
            {
                ["FABSTIR_STANDIN_LOAD_MS"] = "10000",
            });
            await node.WaitForLineAsync("Loading model", TimeSpan.FromSeconds(10));

            node.SendSignal(9);
            int exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(10));

            Assert.StartsWith("was killed by SIGKILL", ExitDescription.Describe(exitCode));
        }
    }
}
