using System.Management.Automation;
using System.Numerics;
using FabstirHost.Core.Chain.HostManagement;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets the host's price for its models in one payment token.</para>
    /// <para type="description">Works with whichever pricing generation the NodeRegistry runs, probed first. Phase 18: one setModelTokenPricing per model (all the host's models unless -Model). Legacy: without -Model the node-wide price (updatePricingNative, updatePricingStable, or setTokenPricing for another token); with -Model a per-model override (setModelPricing, native and USDC only). -Price is per million tokens: gwei for the native coin, whole tokens for USDC or another token; -RawPrice is the contract's own value. The price is checked against the bounds the contract itself reports, and only prices that differ are sent. Under -WhatIf the plan is shown with gas estimates.</para>
    /// </summary>
    /// <example>
    /// <code>Set-FabstirPricing -Token USDC -Price 2.5</code>
    /// <para>Charges 2.5 USDC per million tokens for every model of the host.</para>
    /// </example>
    /// <example>
    /// <code>Set-FabstirPricing -Model 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1b.Q4_K_M.gguf' -Token Native -RawPrice 3000000</code>
    /// <para>Sets one model's native price to 3 gwei per million tokens, in raw units.</para>
    /// </example>
    [Cmdlet(
        VerbsCommon.Set,
        "FabstirPricing",
        SupportsShouldProcess = true,
        DefaultParameterSetName = HumanSet)]
    [OutputType(typeof(FabstirHostUpdate))]
    public sealed class SetFabstirPricingCommand : FabstirHostChangeCmdlet
    {
        private const string HumanSet = "Price";
        private const string RawSet = "RawPrice";

        /// <summary>
        /// <para type="description">The models to price, as repo:file or 0x model id; default: every model the host advertises.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Model { get; set; }

        /// <summary>
        /// <para type="description">The payment token: Native (or ETH), USDC, or a token address.</para>
        /// </summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Token { get; set; } = "Native";

        /// <summary>
        /// <para type="description">The price per million tokens: gwei for the native coin, whole tokens otherwise.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = HumanSet)]
        public decimal Price { get; set; }

        /// <summary>
        /// <para type="description">The price in the contract's raw units (base units per 1000 tokens, with PRICE_PRECISION 1000).</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RawSet)]
        public BigInteger RawPrice { get; set; }

        protected override void EndProcessing()
        {
            HostContext host = CreateHostContext();
            var request = new PricingRequest
            {
                Models = Model,
                Token = Token,
                Price = ParameterSetName == HumanSet ? Price : (decimal?)null,
                RawPrice = ParameterSetName == RawSet ? RawPrice : (BigInteger?)null,
            };
            HostTransactionPlan plan = Run(token => HostPricingPlanner.PlanSetAsync(host, request, token));
            SendHostUpdate(host, plan);
        }
    }
}
