namespace FabstirHost.Core.Network
{
    /// <summary>What the node process check found, for judging who holds the node's ports.</summary>
    internal sealed class NodeProcessFacts
    {
        public static readonly NodeProcessFacts Unknown = new NodeProcessFacts(null, false);

        public NodeProcessFacts(int? runningProcessId, bool recordedButStopped)
        {
            RunningProcessId = runningProcessId;
            RecordedButStopped = recordedButStopped;
        }

        /// <summary>The node's process id, when it runs and matches the state file.</summary>
        public int? RunningProcessId { get; }

        /// <summary>True when the state file names a node that is not running (or its id was reused).</summary>
        public bool RecordedButStopped { get; }
    }
}
