using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for the legacy registry's public price mappings, read to send only what differs.
namespace FabstirHost.Core.Chain.Contracts
{
    /// <summary>Legacy: a model's native override (0 = the node default applies).</summary>
    [Function("modelPricingNative", "uint256")]
    internal sealed class ModelPricingNativeFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("bytes32", "", 2)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    /// <summary>Legacy: a model's stable override (0 = the node default applies).</summary>
    [Function("modelPricingStable", "uint256")]
    internal sealed class ModelPricingStableFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("bytes32", "", 2)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    /// <summary>Legacy: a host's node-wide price in one token other than the native coin.</summary>
    [Function("customTokenPricing", "uint256")]
    internal sealed class CustomTokenPricingFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("address", "", 2)]
        public string Token { get; set; } = "";
    }
}
