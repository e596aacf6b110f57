using System;
using System.Management.Automation;
using FabstirHost.Core;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Unregisters the host: its record is deleted and the whole stake returned.</para>
    /// <para type="description">Checks that the host is registered, then shows the stake that will come back and asks for confirmation (ConfirmImpact High; -Confirm:$false for scripts). Calls unregisterNode; the registry deletes the host's URL, models and prices, and clients stop being sent to it. config.json records that the host is no longer registered. -StopNode also stops the node of this instance, and stops it even when the host is no longer registered (the HostNotRegistered error then says so). In a session that cannot prompt, the command fails with ConfirmationRequired unless -Confirm:$false is given. Returns the stake returned and the transaction.</para>
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
            FabstirException? notRegistered = null;
            var (plan, record) = Run(async token =>
            {
                try
                {
                    return await StakePlanner.PlanUnregisterAsync(host, token);
                }
                catch (FabstirException ex) when (
                    StopNode && ex.ErrorId == HostManagementErrors.HostNotRegistered)
                {
                    notRegistered = ex;
                    return default;
                }
            });
            if (notRegistered != null)
            {
                // -StopNode was asked for: a host already unregistered still gets its node stopped.
                StopNodeOf(notRegistered);
                return;
            }

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

        private void StopNodeOf(FabstirException notRegistered)
        {
            string what = "Stop the node of this instance, although the host is not registered";
            if (!Confirm(what, what + "?", "Stop node", Paths.StateFile))
            {
                return;
            }

            var controller = new NodeController(Paths);
            bool stopped = Run(token => controller.StopAsync(TimeSpan.FromSeconds(StopTimeoutSec), Log, token));
            string outcome = stopped
                ? "The node of this instance was stopped, as -StopNode asked."
                : "No node of this instance was running, so none was stopped.";
            notRegistered.RecommendedAction = notRegistered.RecommendedAction == null
                ? outcome
                : outcome + " " + notRegistered.RecommendedAction;
            ThrowFabstirError(notRegistered);
        }
    }
}
