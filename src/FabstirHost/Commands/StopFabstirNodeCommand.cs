using System;
using System.Management.Automation;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops the node of this instance and its supervisor.</para>
    /// <para type="description">Sends SIGINT (the node's only graceful signal), then SIGTERM half-way through the timeout, then SIGKILL. A process is signalled only while its start time still matches the state file, so a process id reused by another program is never touched. The supervisor is told not to restart the node. Stopping a node that is not running changes nothing.</para>
    /// </summary>
    /// <example>
    /// <code>Stop-FabstirNode</code>
    /// <para>Stops the node of the instance in FABSTIR_HOME (or ~/.fabstir).</para>
    /// </example>
    /// <example>
    /// <code>Get-FabstirNode | Stop-FabstirNode -TimeoutSec 5 -PassThru</code>
    /// <para>Stops the node piped in and shows its state afterwards.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "FabstirNode", SupportsShouldProcess = true)]
    [OutputType(typeof(FabstirNode))]
    public sealed class StopFabstirNodeCommand : FabstirCmdlet
    {
        /// <summary>The node to stop, as Get-FabstirNode returns it; its home folder decides which instance.</summary>
        [Parameter(ValueFromPipeline = true)]
        public FabstirNode? InputObject { get; set; }

        /// <summary>Seconds to wait for the node to exit before SIGKILL (SIGTERM comes half-way).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>Writes the node's state after stopping.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            FabstirPaths paths = NodeCommandSupport.PathsOf(InputObject, Paths);
            var controller = new NodeController(paths);
            FabstirNode current = Run(token => controller.GetAsync(probe: false, token));
            string target = current.ProcessId.HasValue
                ? $"fabstir-llm-node (process {current.ProcessId}) of '{paths.Home}'"
                : $"fabstir-llm-node of '{paths.Home}'";
            if (ShouldProcess(target, "Stop"))
            {
                bool stopped = Run(token => controller.StopAsync(TimeSpan.FromSeconds(TimeoutSec), Log, token));
                if (stopped)
                {
                    WriteVerbose($"Stopped {target}.");
                }
            }

            if (PassThru)
            {
                WriteObject(Run(token => controller.GetAsync(probe: false, token)));
            }
        }
    }
}
