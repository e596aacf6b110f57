using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Public mappings of the legacy NodeRegistry: the per-model overrides and per-token prices that
// getModelPricing falls back through. Registration reads them to know what clients are charged.
namespace FabstirHost.Core.Chain.Registration
{
    [Function("modelPricingNative", "uint256")]
    internal sealed class ModelPricingNativeFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("bytes32", "", 2)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    [Function("modelPricingStable", "uint256")]
    internal sealed class ModelPricingStableFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("bytes32", "", 2)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    [Function("customTokenPricing", "uint256")]
    internal sealed class CustomTokenPricingFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("address", "", 2)]
        public string Token { get; set; } = "";
    }
}
