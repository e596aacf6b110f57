using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FabstirHost.Core;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Node
{
    /// <summary>
    /// A node started through a wrapper script that does not exec it: the real node is the
    /// wrapper's child, in the supervisor's session, and must be stopped with it.
    /// </summary>
    public sealed class NodeSessionTests
    {
        [Fact]
        public async Task Stop_stops_the_node_behind_a_wrapper_script_gracefully_and_frees_its_ports()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.Controller.StartAsync(Wrapped(sandbox), sandbox.Log, CancellationToken.None);
            int child = await RealNodeAsync(sandbox, node);

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));

            Assert.Null(ProcessIdentity.StartToken(child));
            await sandbox.AssertNothingRunningAsync();
            Assert.Equal(NodeStatus.Stopped, (await sandbox.Controller.GetAsync(CancellationToken.None)).Status);
            Assert.True(TcpPortFree(sandbox.ApiPort), "the API port is free again");
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains("Goodbye", log);
        }

        [Fact]
        public async Task A_wrapper_that_dies_while_its_node_runs_is_restarted_after_the_node_it_left_is_stopped()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.Controller.StartAsync(Wrapped(sandbox), sandbox.Log, CancellationToken.None);
            int child = await RealNodeAsync(sandbox, node);

            Process.GetProcessById(node.ProcessId!.Value).Kill();

            await Eventually.Assert(() => sandbox.State.RestartCount == 1 && sandbox.State.Status == NodeStateStatus.Ready,
                TimeSpan.FromSeconds(30), "the supervisor stops the node the wrapper left and starts it again");
            Assert.Null(ProcessIdentity.StartToken(child));
            string log = File.ReadAllText(NodeLogFormat.LiveFile(sandbox.Paths.LogDirectory));
            Assert.Contains($"the node's process {node.ProcessId} exited, but processes it started still run", log);
            Assert.DoesNotContain("Address already in use", log);

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task Cancelling_the_start_of_a_wrapped_node_leaves_nothing_running()
        {
            using var sandbox = new NodeSandbox();
            using var cancel = new CancellationTokenSource();
            NodeLaunchOptions options = Wrapped(sandbox);
            options.Environment["FABSTIR_STANDIN_LOAD_MS"] = "20000";
            Task<FabstirNode> start = sandbox.Controller.StartAsync(options, sandbox.Log, cancel.Token);
            await Eventually.Assert(() => File.Exists(sandbox.Paths.StateFile) && sandbox.State.NodePid != null
                && NodeSession.Members(sandbox.State.SessionId, sandbox.State.SupervisorStartToken).Count == 2,
                TimeSpan.FromSeconds(15), "the wrapper and the node it started run");

            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
            await sandbox.AssertNothingRunningAsync();
        }

        [Fact]
        public async Task A_node_left_behind_by_a_dead_supervisor_and_wrapper_is_reported_and_stopped()
        {
            using var sandbox = new NodeSandbox();
            FabstirNode node = await sandbox.Controller.StartAsync(Wrapped(sandbox), sandbox.Log, CancellationToken.None);
            int child = await RealNodeAsync(sandbox, node);
            Process.GetProcessById(node.SupervisorProcessId!.Value).Kill();
            Process.GetProcessById(node.ProcessId!.Value).Kill();
            await Eventually.Assert(() => ProcessIdentity.StartToken(node.SupervisorProcessId.Value) == null
                && ProcessIdentity.StartToken(node.ProcessId.Value) == null, TimeSpan.FromSeconds(10),
                "the supervisor and the wrapper are dead");

            FabstirNode got = await sandbox.Controller.GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.Stale, got.Status);
            Assert.Contains(child.ToString(), got.Detail);
            FabstirException refused = await Assert.ThrowsAsync<FabstirException>(
                () => sandbox.Controller.StartAsync(sandbox.Options(), sandbox.Log, CancellationToken.None));
            Assert.Equal("NodeAlreadyRunning", refused.ErrorId);

            Assert.True(await sandbox.Controller.StopAsync(TimeSpan.FromSeconds(10), sandbox.Log, CancellationToken.None));
            Assert.Null(ProcessIdentity.StartToken(child));
            await sandbox.AssertNothingRunningAsync();
            Assert.Equal(NodeStatus.Stopped, (await sandbox.Controller.GetAsync(CancellationToken.None)).Status);
        }

        private static NodeLaunchOptions Wrapped(NodeSandbox sandbox)
        {
            string wrapper = Path.Combine(sandbox.Home, "wrapper.sh");
            File.WriteAllText(wrapper, $"#!/bin/sh\n'{TestAssets.StandInNode}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            NodeLaunchOptions options = sandbox.Options();
            options.NodePath = wrapper;
            return options;
        }

        /// <summary>The stand-in the wrapper started: the member of the session that is not the wrapper.</summary>
        private static async Task<int> RealNodeAsync(NodeSandbox sandbox, FabstirNode node)
        {
            NodeState state = sandbox.State;
            Assert.NotNull(state.SessionId);
            Assert.Equal(state.SupervisorPid, state.SessionId);
            int[] others = Array.Empty<int>();
            await Eventually.Assert(() =>
            {
                others = NodeSession.Members(state.SessionId, state.SupervisorStartToken)
                    .Where(pid => pid != node.ProcessId).ToArray();
                return others.Length == 1;
            }, TimeSpan.FromSeconds(10), "the wrapper's child runs in the supervisor's session");
            return others[0];
        }

        private static bool TcpPortFree(int port)
        {
            var listener = new TcpListener(IPAddress.Any, port);
            try
            {
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
