using System.Management.Automation;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Withdraws the host's earnings from HostEarnings to its wallet.</para>
    /// <para type="description">With one -Token: -Amount withdraws that much (withdraw), otherwise everything (withdrawAll). With several tokens (default: Native and USDC) everything is withdrawn in one transaction (withdrawMultiple), skipping empty balances. Balances are checked first. The estimated gas cost is shown next to the amount; when only ETH is withdrawn and the gas costs more than it, the withdrawal is refused unless -Force. Token amounts are shown beside the gas but not compared with it, since no exchange rate is known here, so a withdrawal that also moves tokens is not refused for its gas. Under -WhatIf the plan is shown with the gas estimate. A withdrawal asks for confirmation (ConfirmImpact High) unless -Force or -Confirm:$false is given.</para>
    /// </summary>
    /// <example>
    /// <code>Receive-FabstirEarnings -Confirm:$false</code>
    /// <para>Withdraws all ETH and USDC earnings in one transaction.</para>
    /// </example>
    /// <example>
    /// <code>Receive-FabstirEarnings -Token USDC -Amount 10</code>
    /// <para>Withdraws 10 USDC, after confirmation.</para>
    /// </example>
    [Cmdlet(
        VerbsCommunications.Receive,
        "FabstirEarnings",
        SupportsShouldProcess = true,
        ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FabstirWithdrawal))]
    public sealed class ReceiveFabstirEarningsCommand : FabstirHostChangeCmdlet
    {
        /// <summary>
        /// <para type="description">The tokens to withdraw: Native (or ETH), USDC, or token addresses. Default: Native and USDC.</para>
        /// </summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[] Token { get; set; } = { "Native", "USDC" };

        /// <summary>
        /// <para type="description">The amount to withdraw in whole tokens (one -Token only); default: everything.</para>
        /// </summary>
        [Parameter]
        public decimal? Amount { get; set; }

        /// <summary>
        /// <para type="description">Withdraws without asking for confirmation (unless -Confirm is given), and withdraws ETH alone even when the gas costs more than the ETH withdrawn.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            HostContext host = CreateHostContext();
            WithdrawalPlan withdrawal = Run(token => EarningsPlanner.PlanWithdrawAsync(
                host.Chain, host.Address, Token, Amount, Force, Log, token));
            if (!ConfirmPlan(withdrawal.Plan, Force))
            {
                return;
            }

            using (HostKey key = UnlockKey())
            {
                WriteObject(Run(token => withdrawal.ExecuteAsync(key, token)));
            }
        }
    }
}
