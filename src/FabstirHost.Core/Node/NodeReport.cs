using System;
using System.Collections.Generic;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>Turns the state file and the liveness of the processes it names into a FabstirNode.</summary>
    internal static class NodeReport
    {
        public static FabstirNode From(FabstirPaths paths, NodeState? state)
        {
            var node = new FabstirNode
            {
                Home = paths.Home,
                StateFile = paths.StateFile,
                LogPath = NodeLogFormat.LiveFile(paths.LogDirectory),
                Status = NodeStatus.Stopped,
            };
            if (state == null)
            {
                return node;
            }

            NodeSettings settings = state.Settings ?? new NodeSettings();
            node.ApiPort = settings.ApiPort == 0 ? (int?)null : settings.ApiPort;
            node.P2PPort = settings.P2PPort == 0 ? (int?)null : settings.P2PPort;
            node.LocalUrl = node.ApiPort.HasValue ? NodeProbe.LocalUrl(node.ApiPort.Value) : null;
            node.ModelPath = settings.ModelPath;
            node.NodePath = settings.NodePath;
            node.RestartCount = state.RestartCount;
            node.LastExitCode = state.LastExitCode;
            node.LastExitTime = state.LastExitAt;
            node.LogPath = state.LogPath ?? node.LogPath;
            node.SupervisorProcessId = state.SupervisorPid;

            ProcessLiveness supervisor = ProcessIdentity.Check(state.SupervisorPid, state.SupervisorStartToken);
            ProcessLiveness process = state.NodePid.HasValue
                ? ProcessIdentity.Check(state.NodePid.Value, state.NodeStartToken)
                : ProcessLiveness.Gone;
            node.SupervisorAlive = supervisor == ProcessLiveness.Alive;
            node.Status = StatusOf(state, supervisor, process, node);

            // The phase says how far a start got; in any other status it would only mislead.
            node.Phase = node.Status == NodeStatus.Starting ? state.Phase ?? NodePhase.Launching : (NodePhase?)null;
            if (!node.SupervisorAlive && process != ProcessLiveness.Alive
                && (node.Status == NodeStatus.Stopped || node.Status == NodeStatus.CrashLoop
                    || node.Status == NodeStatus.Stale))
            {
                // A node behind a wrapper script, or a process the node started, can outlive both
                // recorded processes and still hold the ports.
                IReadOnlyList<int> left = NodeSession.Members(state.SessionId, state.SupervisorStartToken);
                if (left.Count > 0)
                {
                    node.Status = NodeStatus.Stale;
                    node.Detail = $"Processes the node started are still running ({NodeSession.Describe(left)}), " +
                        "although the node and its supervisor are gone; Stop-FabstirNode stops them.";
                }
            }
            if (process == ProcessLiveness.Alive)
            {
                node.ProcessId = state.NodePid;
                node.StartTime = state.NodeStartedAt;
                node.Uptime = state.NodeStartedAt.HasValue
                    ? DateTime.UtcNow - state.NodeStartedAt.Value
                    : (TimeSpan?)null;
            }

            if (node.Status != NodeStatus.Stale && process == ProcessLiveness.Alive && !node.SupervisorAlive)
            {
                node.Detail = $"The supervisor (process {state.SupervisorPid}) is not running: the node is not " +
                    "logged and will not be restarted. Restart-FabstirNode puts it back under supervision.";
            }

            return node;
        }

        private static NodeStatus StatusOf(
            NodeState state, ProcessLiveness supervisor, ProcessLiveness process, FabstirNode node)
        {
            switch (state.Status)
            {
                case NodeStateStatus.Stopped:
                    return NodeStatus.Stopped;
                case NodeStateStatus.CrashLoop:
                    node.Detail = $"The node crashed repeatedly (last time it {ExitDescription.Describe(state.LastExitCode)}); " +
                        "its supervisor gave up.";
                    return NodeStatus.CrashLoop;
            }

            bool supervisorReused = process != ProcessLiveness.Alive && supervisor == ProcessLiveness.Reused;
            if (process == ProcessLiveness.Reused || supervisorReused)
            {
                int pid = process == ProcessLiveness.Reused ? state.NodePid!.Value : state.SupervisorPid;
                node.Detail = $"Process {pid} recorded in the state file now belongs to another program; it is " +
                    "not the node and will not be signalled.";
                return NodeStatus.Stale;
            }

            if (process != ProcessLiveness.Alive && supervisor != ProcessLiveness.Alive)
            {
                node.Detail = "Neither the node nor its supervisor is running, although the state file says " +
                    $"{state.Status}: they ended without recording it.";
                return NodeStatus.Stale;
            }

            switch (state.Status)
            {
                case NodeStateStatus.Ready:
                    return NodeStatus.Ready;
                case NodeStateStatus.Restarting:
                    return NodeStatus.Restarting;
                default:
                    return NodeStatus.Starting;
            }
        }
    }
}
