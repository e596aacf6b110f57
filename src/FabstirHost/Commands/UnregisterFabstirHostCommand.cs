using System;
using System.Management.Automation;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Unregisters the host: its record is deleted and the whole stake returned.</para>
    /// <para type="description">Checks that the host is registered, then shows the stake that will come back and asks for confirmation (ConfirmImpact High; -Confirm:$false for scripts). Calls unregisterNode; the registry deletes the host's URL, models and prices, and clients stop being sent to it. config.json records that the host is no longer registered. -StopNode also stops the node of this instance. Returns the stake returned and the transaction.</para>
    /// </summary>
    /// <example>
    /// <code>Unregister-FabstirHost -StopNode -Confirm:$false</code>
    /// <para>Unregisters the host, takes the stake back and stops the node.</para>
    /// </example>
    [Cmdlet(
        VerbsLifecycle.Unregister,
        "FabstirHost",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FabstirUnregistration))]
    public sealed class UnregisterFabstirHostCommand : FabstirHostChangeCmdlet
    {
        /// <summary>
        /// <para type="description">Also stops the node of this instance (SIGINT, then SIGTERM, then SIGKILL).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter StopNode { get; set; }

        /// <summary>
        /// <para type="description">Seconds to wait for the node to exit with -StopNode before it is killed.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int StopTimeoutSec { get; set; } = 30;

        protected override void EndProcessing()
        {
            HostContext host = CreateHostContext();
            var (plan, record) = Run(token => StakePlanner.PlanUnregisterAsync(host, token));
            WriteVerbose($"{host.Address} holds {record.Stake} FAB of stake, which unregistering returns.");
            if (!ConfirmPlan(plan))
            {
                return;
            }

            FabstirUnregistration result;
            using (HostKey key = UnlockKey())
            {
                result = Run(token => FabstirUnregistration.ExecuteAsync(host, plan, key, token));
            }

            RecordInConfig(host.Address, registered: false);
            if (StopNode)
            {
                var controller = new NodeController(Paths);
                result.NodeStopped = Run(token =>
                    controller.StopAsync(TimeSpan.FromSeconds(StopTimeoutSec), Log, token));
            }

            WriteObject(result);
        }
    }
}
