using System.Collections.Generic;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for the two generations of NodeRegistry pricing functions. Their selectors
// differ; calling one the deployed implementation lacks reverts with empty data.
namespace FabstirHost.Core.Chain.Contracts
{
    // ---- Phase 18: one price per model and token (address 0 = native) ----

    /// <summary>
    /// The public mapping only phase 18 has; its selector 0x80130471 is the generation probe.
    /// </summary>
    [Function("modelTokenPricing", "uint256")]
    internal sealed class ModelTokenPricingFunction : FunctionMessage
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("bytes32", "", 2)]
        public byte[] ModelId { get; set; } = new byte[32];

        [Parameter("address", "", 3)]
        public string Token { get; set; } = "";
    }

    [Function("setModelTokenPricing")]
    internal sealed class SetModelTokenPricingFunction : FunctionMessage
    {
        [Parameter("bytes32", "modelId", 1)]
        public byte[] ModelId { get; set; } = new byte[32];

        [Parameter("address", "token", 2)]
        public string Token { get; set; } = "";

        [Parameter("uint256", "price", 3)]
        public BigInteger Price { get; set; }
    }

    [Function("clearModelTokenPricing")]
    internal sealed class ClearModelTokenPricingFunction : FunctionMessage
    {
        [Parameter("bytes32", "modelId", 1)]
        public byte[] ModelId { get; set; } = new byte[32];

        [Parameter("address", "token", 2)]
        public string Token { get; set; } = "";
    }

    [Function("getHostModelPrices", typeof(HostModelPricesOutput))]
    internal sealed class GetHostModelPricesFunction : FunctionMessage
    {
        [Parameter("address", "operator", 1)]
        public string Operator { get; set; } = "";

        [Parameter("address", "token", 2)]
        public string Token { get; set; } = "";
    }

    [FunctionOutput]
    internal sealed class HostModelPricesOutput : IFunctionOutputDTO
    {
        [Parameter("bytes32[]", "modelIds", 1)]
        public List<byte[]> ModelIds { get; set; } = new List<byte[]>();

        [Parameter("uint256[]", "prices", 2)]
        public List<BigInteger> Prices { get; set; } = new List<BigInteger>();
    }

    // ---- Legacy: node-wide prices with per-model overrides ----

    [Function("updatePricingNative")]
    internal sealed class UpdatePricingNativeFunction : FunctionMessage
    {
        [Parameter("uint256", "newMinPrice", 1)]
        public BigInteger NewMinPrice { get; set; }
    }

    [Function("updatePricingStable")]
    internal sealed class UpdatePricingStableFunction : FunctionMessage
    {
        [Parameter("uint256", "newMinPrice", 1)]
        public BigInteger NewMinPrice { get; set; }
    }

    /// <summary>0 for either price means "no override, use the node default".</summary>
    [Function("setModelPricing")]
    internal sealed class SetModelPricingFunction : FunctionMessage
    {
        [Parameter("bytes32", "modelId", 1)]
        public byte[] ModelId { get; set; } = new byte[32];

        [Parameter("uint256", "nativePrice", 2)]
        public BigInteger NativePrice { get; set; }

        [Parameter("uint256", "stablePrice", 3)]
        public BigInteger StablePrice { get; set; }
    }

    [Function("clearModelPricing")]
    internal sealed class ClearModelPricingFunction : FunctionMessage
    {
        [Parameter("bytes32", "modelId", 1)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    [Function("setTokenPricing")]
    internal sealed class SetTokenPricingFunction : FunctionMessage
    {
        [Parameter("address", "token", 1)]
        public string Token { get; set; } = "";

        [Parameter("uint256", "price", 2)]
        public BigInteger Price { get; set; }
    }

    [Function("getHostModelPrices", typeof(LegacyHostModelPricesOutput))]
    internal sealed class GetLegacyHostModelPricesFunction : FunctionMessage
    {
        [Parameter("address", "operator", 1)]
        public string Operator { get; set; } = "";
    }

    [FunctionOutput]
    internal sealed class LegacyHostModelPricesOutput : IFunctionOutputDTO
    {
        [Parameter("bytes32[]", "modelIds", 1)]
        public List<byte[]> ModelIds { get; set; } = new List<byte[]>();

        [Parameter("uint256[]", "nativePrices", 2)]
        public List<BigInteger> NativePrices { get; set; } = new List<BigInteger>();

        [Parameter("uint256[]", "stablePrices", 3)]
        public List<BigInteger> StablePrices { get; set; } = new List<BigInteger>();
    }
}
