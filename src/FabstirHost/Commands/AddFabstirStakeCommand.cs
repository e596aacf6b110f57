using System.Management.Automation;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds FAB to the registered host's stake.</para>
    /// <para type="description">Checks that the host is registered, the amount is positive and the wallet holds enough FAB; approves the NodeRegistry only when the allowance is short, then calls stake. Stake comes back only when the host unregisters. Under -WhatIf the plan is shown with gas estimates.</para>
    /// </summary>
    /// <example>
    /// <code>Add-FabstirStake -Amount 500</code>
    /// <para>Adds 500 FAB to the stake.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Add, "FabstirStake", SupportsShouldProcess = true)]
    [OutputType(typeof(FabstirStakeResult))]
    public sealed class AddFabstirStakeCommand : FabstirHostChangeCmdlet
    {
        /// <summary>
        /// <para type="description">The FAB to add, in whole tokens (up to 18 decimals).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0)]
        public decimal Amount { get; set; }

        protected override void EndProcessing()
        {
            HostContext host = CreateHostContext();
            HostTransactionPlan plan = Run(token => StakePlanner.PlanAddAsync(host, Amount, token));
            if (!ConfirmPlan(plan))
            {
                return;
            }

            using (HostKey key = UnlockKey())
            {
                WriteObject(Run(token => FabstirStakeResult.ExecuteAsync(host, plan, Amount, key, token)));
            }
        }
    }
}
