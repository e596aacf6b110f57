using System;
using System.Collections.Generic;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>What the supervisor records about the node it runs, as kept in the state file.</summary>
    public enum NodeStateStatus
    {
        Starting,
        Ready,
        Restarting,
        CrashLoop,
        Stopped,
    }

    /// <summary>
    /// The content of <c>node/state.json</c>. The supervisor keeps it current; the other commands
    /// read it and trust a process id only while the recorded start time still matches.
    /// </summary>
    public sealed class NodeState
    {
        public int SchemaVersion { get; set; } = 1;

        public NodeStateStatus Status { get; set; }

        /// <summary>The last readiness phase reached while the status is Starting; null otherwise.</summary>
        public NodePhase? Phase { get; set; }

        public int SupervisorPid { get; set; }

        public string? SupervisorStartToken { get; set; }

        /// <summary>
        /// The session the supervisor leads (its own id), holding the node and whatever the node
        /// started; null when the supervisor could not start a session of its own.
        /// </summary>
        public int? SessionId { get; set; }

        public int? NodePid { get; set; }

        public string? NodeStartToken { get; set; }

        public DateTime? NodeStartedAt { get; set; }

        public DateTime? ReadyAt { get; set; }

        public int RestartCount { get; set; }

        public int? LastExitCode { get; set; }

        public DateTime? LastExitAt { get; set; }

        public DateTime UpdatedAt { get; set; }

        public string? LogPath { get; set; }

        /// <summary>The non-secret settings the node was started with, for Restart.</summary>
        public NodeSettings Settings { get; set; } = new NodeSettings();
    }

    /// <summary>The settings of a launch that can be stored: no key, no secret.</summary>
    public sealed class NodeSettings
    {
        public string NodePath { get; set; } = string.Empty;

        public string ModelPath { get; set; } = string.Empty;

        public int ApiPort { get; set; }

        public int P2PPort { get; set; }

        public string? LogLevel { get; set; }

        /// <summary>Crashes in a row after which the supervisor gives up; null for the default.</summary>
        public int? MaxRestarts { get; set; }

        /// <summary>The first restart delay in milliseconds; null for the default.</summary>
        public int? RestartDelayMs { get; set; }

        /// <summary>The user's own overrides, as given.</summary>
        public Dictionary<string, string>? Environment { get; set; }
    }

    /// <summary>Reads and writes the state file; a damaged one is reported, never replaced silently.</summary>
    public static class NodeStateStore
    {
        public const string DamagedErrorId = "StateFileDamaged";

        public static NodeState? Load(FabstirPaths paths)
        {
            return SecureFile.ReadJsonOrDefault<NodeState>(paths.StateFile, DamagedErrorId);
        }

        public static void Save(FabstirPaths paths, NodeState state)
        {
            state.UpdatedAt = DateTime.UtcNow;
            SecureFile.WriteJsonAtomic(paths.StateFile, state);
        }
    }
}
