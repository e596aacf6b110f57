using System;

namespace FabstirHost.Core.Node
{
    /// <summary>The state of a node as the module sees it.</summary>
    public enum NodeStatus
    {
        /// <summary>No node of this instance runs.</summary>
        Stopped,

        /// <summary>Launched, readiness markers not all seen yet (see the phase).</summary>
        Starting,

        /// <summary>All markers seen and the process alive.</summary>
        Ready,

        /// <summary>The node exited unexpectedly; the supervisor is about to start it again.</summary>
        Restarting,

        /// <summary>The node kept crashing; the supervisor gave up.</summary>
        CrashLoop,

        /// <summary>The state file names processes that are gone or now belong to others.</summary>
        Stale,
    }

    /// <summary>A node of this instance: its processes, ports, model and health.</summary>
    public sealed class FabstirNode
    {
        internal FabstirNode()
        {
        }

        public NodeStatus Status { get; internal set; }

        /// <summary>The last readiness phase reached while the status is Starting; null in every other status.</summary>
        public NodePhase? Phase { get; internal set; }

        public int? ProcessId { get; internal set; }

        public int? SupervisorProcessId { get; internal set; }

        public bool SupervisorAlive { get; internal set; }

        public int? ApiPort { get; internal set; }

        public int? P2PPort { get; internal set; }

        /// <summary>The node's URL on this machine, e.g. http://127.0.0.1:8080.</summary>
        public string? LocalUrl { get; internal set; }

        public string? ModelPath { get; internal set; }

        public string? NodePath { get; internal set; }

        public DateTime? StartTime { get; internal set; }

        public TimeSpan? Uptime { get; internal set; }

        public int RestartCount { get; internal set; }

        public int? LastExitCode { get; internal set; }

        public DateTime? LastExitTime { get; internal set; }

        /// <summary>The <c>status</c> field of <c>/health</c> (today's node says <c>degraded</c>).</summary>
        public string? HealthStatus { get; internal set; }

        /// <summary>The node's version from <c>/v1/version</c>.</summary>
        public string? Version { get; internal set; }

        public string? LogPath { get; internal set; }

        public string? StateFile { get; internal set; }

        /// <summary>Why the status is what it is, when that is not obvious (e.g. a stale id).</summary>
        public string? Detail { get; internal set; }

        public string Home { get; internal set; } = string.Empty;

        public override string ToString() => $"{Status} {LocalUrl}";
    }
}
