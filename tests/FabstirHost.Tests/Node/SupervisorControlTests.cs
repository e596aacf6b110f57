using FabstirHost.Core.Node;
using Xunit;

namespace FabstirHost.Tests.Node
{
    /// <summary>The supervisor's control line: only "detach" leaves the node running.</summary>
    public sealed class SupervisorControlTests
    {
        [Theory]
        [InlineData("detach", false)]
        [InlineData("abort", true)]
        [InlineData(null, true)]
        public void The_control_word_decides_between_detach_and_abort(string? line, bool aborted)
        {
            var input = new StringReader(line == null ? string.Empty : line + "\n");
            bool abort = false, detach = false;

            SupervisorProgram.ReadControl(input, () => abort = true, () => detach = true);

            Assert.Equal(aborted, abort);
            Assert.Equal(!aborted, detach);
        }

        [Fact]
        public void Any_failure_to_read_the_control_line_aborts_the_node()
        {
            bool abort = false, detach = false;

            SupervisorProgram.ReadControl(new FailingReader(), () => abort = true, () => detach = true);

            Assert.True(abort);
            Assert.False(detach);
        }

        [Fact]
        public async Task The_supervisors_command_line_names_its_home()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.StartAsync();

            string commandLine = File.ReadAllText($"/proc/{node.SupervisorProcessId}/cmdline").Replace('\0', ' ');

            Assert.Contains($"SupervisorProgram]::Run('{sandbox.Home}')", commandLine);
        }

        private sealed class FailingReader : TextReader
        {
            public override string? ReadLine() => throw new InvalidOperationException("the stream is unusable");
        }
    }
}
