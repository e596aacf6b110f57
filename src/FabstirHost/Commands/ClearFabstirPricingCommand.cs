using System.Management.Automation;
using FabstirHost.Core.Chain.HostManagement;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Clears the host's prices for its models.</para>
    /// <para type="description">Phase 18: clearModelTokenPricing per model and token; a model left without a price in a token cannot be sold in that token, and a warning says so. Legacy: clearModelPricing per model, which drops its native and stable overrides together so the node-wide prices apply again. Only prices that are set are cleared. Under -WhatIf the plan is shown with gas estimates.</para>
    /// </summary>
    /// <example>
    /// <code>Clear-FabstirPricing -Model 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1b.Q4_K_M.gguf' -Token USDC</code>
    /// <para>Stops offering that model for USDC (phase 18).</para>
    /// </example>
    [Cmdlet(VerbsCommon.Clear, "FabstirPricing", SupportsShouldProcess = true)]
    [OutputType(typeof(FabstirHostUpdate))]
    public sealed class ClearFabstirPricingCommand : FabstirHostChangeCmdlet
    {
        /// <summary>
        /// <para type="description">The models, as repo:file or 0x model id; default: every model the host advertises.</para>
        /// </summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[]? Model { get; set; }

        /// <summary>
        /// <para type="description">The payment tokens to clear (phase 18): Native, USDC or token addresses. Default: Native and USDC.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Token { get; set; } = { "Native", "USDC" };

        protected override void EndProcessing()
        {
            HostContext host = CreateHostContext();
            HostTransactionPlan plan =
                Run(token => HostPricingPlanner.PlanClearAsync(host, Model, Token, Log, token));
            SendHostUpdate(host, plan);
        }
    }
}
