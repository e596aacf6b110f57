using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using Xunit;

namespace FabstirHost.Tests.Node
{
    /// <summary>The readiness phase exists only while the node is Starting, in the object and the state file.</summary>
    public sealed class NodePhaseTests
    {
        [Fact]
        public async Task A_fresh_home_has_no_phase()
        {
            using var sandbox = new NodeSandbox();

            FabstirNode node = await sandbox.Controller.GetAsync(CancellationToken.None);

            Assert.Equal(NodeStatus.Stopped, node.Status);
            Assert.Null(node.Phase);
        }

        [Fact]
        public async Task A_ready_node_and_a_stopped_one_have_no_phase_in_the_object_or_the_state_file()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode started = await sandbox.StartAsync();
            Assert.Equal(NodeStatus.Ready, started.Status);
            Assert.Null(started.Phase);
            Assert.Null(StatePhase(sandbox));

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));

            FabstirNode stopped = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.Stopped, stopped.Status);
            Assert.Null(stopped.Phase);
            Assert.Equal("Stopped", (string?)JObject.Parse(File.ReadAllText(sandbox.Paths.StateFile))["status"]);
            Assert.Null(StatePhase(sandbox));
        }

        [Fact]
        public async Task A_crash_loop_has_no_phase()
        {
            using var sandbox = new NodeSandbox();
            NodeLaunchOptions options = sandbox.Options(("FABSTIR_STANDIN_CRASH_AFTER_READY_MS", "300"));
            options.MaxRestarts = 0;
            await sandbox.Controller.StartAsync(options, sandbox.Log, CancellationToken.None);

            await Eventually.Assert(() => sandbox.State.Status == NodeStateStatus.CrashLoop, TimeSpan.FromSeconds(30),
                "the supervisor gives up");
            FabstirNode node = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.CrashLoop, node.Status);
            Assert.Null(node.Phase);
            Assert.Null(StatePhase(sandbox));
        }

        private static JToken? StatePhase(NodeSandbox sandbox)
        {
            return JObject.Parse(File.ReadAllText(sandbox.Paths.StateFile))["phase"];
        }
    }
}
