using System.Management.Automation;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the status of the node of this instance.</para>
    /// <para type="description">Reads node/state.json, checks that the processes it names are still the same processes (by start time), and asks the node's local /health and /v1/version. The status is Stopped, Starting (with the phase reached), Ready, Restarting, CrashLoop or Stale (the recorded processes are gone or their ids now belong to other programs).</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirNode</code>
    /// <para>Shows the status, process id, local URL, model, uptime, restarts and health.</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirNode | Format-List *</code>
    /// <para>Shows everything known about the node, including the supervisor and the log path.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirNode")]
    [OutputType(typeof(FabstirNode))]
    public sealed class GetFabstirNodeCommand : FabstirCmdlet
    {
        protected override void EndProcessing()
        {
            var controller = new NodeController(Paths);
            FabstirNode node = Run(token => controller.GetAsync(token));
            if (node.Detail != null)
            {
                WriteVerbose(node.Detail);
            }

            WriteObject(node);
        }
    }
}
