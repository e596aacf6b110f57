using System;
using System.Management.Automation;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits until the node is ready, or stopped.</para>
    /// <para type="description">Checks the node's state a few times a second, with one deadline for the whole wait, and shows progress. Fails with NodeWaitTimeout when the deadline passes, and at once with NodeCrashLoop when waiting for Ready and the supervisor gave up.</para>
    /// </summary>
    /// <example>
    /// <code>Wait-FabstirNode -TimeoutSec 900</code>
    /// <para>Waits up to 15 minutes for the node to be ready, then returns it.</para>
    /// </example>
    /// <example>
    /// <code>Stop-FabstirNode; Wait-FabstirNode -Stopped</code>
    /// <para>Waits until the node and its supervisor have gone.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Wait, "FabstirNode")]
    [OutputType(typeof(FabstirNode))]
    public sealed class WaitFabstirNodeCommand : FabstirCmdlet
    {
        /// <summary>The node to wait for, as Get-FabstirNode returns it.</summary>
        [Parameter(ValueFromPipeline = true)]
        public FabstirNode? InputObject { get; set; }

        /// <summary>Waits for the node to be stopped instead of ready.</summary>
        [Parameter]
        public SwitchParameter Stopped { get; set; }

        /// <summary>The longest wait, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 600;

        protected override void ProcessRecord()
        {
            FabstirPaths paths = NodeCommandSupport.PathsOf(InputObject, Paths);
            var controller = new NodeController(paths);
            TimeSpan timeout = TimeSpan.FromSeconds(TimeoutSec);
            WriteObject(Run(token => controller.WaitAsync(Stopped, timeout, Log, token)));
        }
    }
}
