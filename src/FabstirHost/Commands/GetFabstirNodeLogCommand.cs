using System.Management.Automation;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the node's log lines, or follows them.</para>
    /// <para type="description">Reads node/logs/node.log (and its rotated predecessors node.1.log, node.2.log, ... when more lines are asked for). Each line of the file is '&lt;UTC time&gt; &lt;tag&gt; &lt;text&gt;', the tag being out or err for the node's streams and sup for the supervisor's notes (exits, restarts). Lines come out as objects with the time, the stream, the tracing level when the line has one, and the text, shown as the text alone. Colour codes are removed unless -Raw is given. -Wait follows the log across rotations and restarts until Ctrl+C.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirNodeLog -Tail 20</code>
    /// <para>Shows the last 20 lines.</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirNodeLog -Wait | Where-Object Level -eq 'ERROR'</code>
    /// <para>Follows the log and shows only error lines as they come.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirNodeLog")]
    [OutputType(typeof(NodeLogLine))]
    public sealed class GetFabstirNodeLogCommand : FabstirCmdlet
    {
        /// <summary>How many of the last lines to show.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Tail { get; set; } = 100;

        /// <summary>Keeps showing new lines as they are written, until Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Keeps the node's colour codes in the text.</summary>
        [Parameter]
        public SwitchParameter Raw { get; set; }

        protected override void EndProcessing()
        {
            var reader = new NodeLogReader(Paths.LogDirectory, Raw);
            long followFrom = reader.LiveLength();
            foreach (NodeLogLine line in reader.Tail(Tail))
            {
                WriteObject(line);
            }

            if (Wait)
            {
                WriteVerbose($"Following '{reader.LivePath}'; Ctrl+C stops.");
                Run(token => reader.FollowAsync(line => Post(() => WriteObject(line)), followFrom, token));
            }
        }
    }
}
