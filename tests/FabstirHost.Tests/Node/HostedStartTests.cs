using System.Management.Automation;
using FabstirHost.Commands;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Node
{
    /// <summary>FABSTIR_HOME is process-wide, so the hosted-PowerShell tests run alone.</summary>
    [CollectionDefinition(nameof(HostedPowerShell), DisableParallelization = true)]
    public sealed class HostedPowerShell
    {
    }

    /// <summary>Start-FabstirNode hosted in PowerShell inside the test process, stopped like Ctrl+C does.</summary>
    [Collection(nameof(HostedPowerShell))]
    public sealed class HostedStartTests
    {
        [Fact]
        public async Task Stopping_the_pipeline_before_the_node_is_spawned_leaves_nothing()
        {
            using var sandbox = new NodeSandbox();
            Environment.SetEnvironmentVariable("FABSTIR_HOME", sandbox.Home);
            try
            {
                using PowerShell shell = StartSlowNode(sandbox);
                IAsyncResult running = shell.BeginInvoke();

                // The supervisor is up (its folder is the home) but still starting: the abort
                // reaches it before it spawns the node, which must then never be started.
                await Eventually.Assert(() => sandbox.ProcessesInHome().Count > 0, TimeSpan.FromSeconds(20),
                    "the supervisor was started");
                shell.Stop();

                shell.EndInvoke(running);
                Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
                Assert.Empty(sandbox.ProcessesInHome());
            }
            finally
            {
                Environment.SetEnvironmentVariable("FABSTIR_HOME", null);
            }
        }

        [Fact]
        public async Task Stopping_the_pipeline_during_start_leaves_neither_node_nor_supervisor()
        {
            using var sandbox = new NodeSandbox();
            Environment.SetEnvironmentVariable("FABSTIR_HOME", sandbox.Home);
            try
            {
                using PowerShell shell = StartSlowNode(sandbox);
                IAsyncResult running = shell.BeginInvoke();
                await Eventually.Assert(() => File.Exists(sandbox.Paths.StateFile) && sandbox.State.NodePid != null,
                    TimeSpan.FromSeconds(20), "the node was spawned");
                int nodePid = sandbox.State.NodePid!.Value;

                shell.Stop();

                shell.EndInvoke(running);
                Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);

                // The command returns only once its clean-up is done: nothing may be left even
                // for a moment, or a script that ends (and its pwsh with it) would cut it short.
                Assert.Empty(sandbox.ProcessesInHome());
                Assert.Null(ProcessIdentity.StartToken(nodePid));
                Assert.Equal(NodeStateStatus.Stopped, sandbox.State.Status);
            }
            finally
            {
                Environment.SetEnvironmentVariable("FABSTIR_HOME", null);
            }
        }

        [Fact]
        public async Task Stopping_the_pipeline_of_a_start_with_Wait_stops_the_running_node()
        {
            using var sandbox = new NodeSandbox();
            Environment.SetEnvironmentVariable("FABSTIR_HOME", sandbox.Home);
            try
            {
                using PowerShell shell = PowerShell.Create();
                shell.AddCommand("Import-Module").AddArgument(typeof(StartFabstirNodeCommand).Assembly.Location);
                shell.AddStatement().AddCommand("Start-FabstirNode")
                    .AddParameter("ModelPath", sandbox.ModelPath)
                    .AddParameter("Port", sandbox.ApiPort)
                    .AddParameter("NodePath", TestAssets.StandInNode)
                    .AddParameter("Wait");
                var output = new PSDataCollection<PSObject>();
                IAsyncResult running = shell.BeginInvoke<PSObject, PSObject>(null, output);
                await Eventually.Assert(() => output.Count > 0, TimeSpan.FromSeconds(30), "the node was started");
                var node = (FabstirNode)output[0].BaseObject;
                Assert.Equal(NodeStatus.Ready, node.Status);
                Assert.False(running.IsCompleted, "-Wait keeps the command running while the node runs");

                shell.Stop();

                shell.EndInvoke(running);
                Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
                Assert.Empty(sandbox.ProcessesInHome());
                Assert.Equal(NodeStateStatus.Stopped, sandbox.State.Status);
                Assert.Contains("Goodbye", File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory)));
            }
            finally
            {
                Environment.SetEnvironmentVariable("FABSTIR_HOME", null);
            }
        }

        private static PowerShell StartSlowNode(NodeSandbox sandbox)
        {
            PowerShell shell = PowerShell.Create();
            shell.AddCommand("Import-Module").AddArgument(typeof(StartFabstirNodeCommand).Assembly.Location);
            shell.AddStatement().AddCommand("Start-FabstirNode")
                .AddParameter("ModelPath", sandbox.ModelPath)
                .AddParameter("Port", sandbox.ApiPort)
                .AddParameter("NodePath", TestAssets.StandInNode)
                .AddParameter("Environment",
                    new System.Collections.Hashtable { ["FABSTIR_STANDIN_LOAD_MS"] = "30000" });
            return shell;
        }
    }
}
