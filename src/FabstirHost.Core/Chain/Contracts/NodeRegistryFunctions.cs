using System.Collections.Generic;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for the NodeRegistryWithModels functions both pricing generations share.
namespace FabstirHost.Core.Chain.Contracts
{
    [Function("registerNode")]
    internal sealed class RegisterNodeFunction : FunctionMessage
    {
        [Parameter("string", "metadata", 1)]
        public string Metadata { get; set; } = "";

        [Parameter("string", "apiUrl", 2)]
        public string ApiUrl { get; set; } = "";

        [Parameter("bytes32[]", "modelIds", 3)]
        public List<byte[]> ModelIds { get; set; } = new List<byte[]>();

        [Parameter("uint256", "minPricePerTokenNative", 4)]
        public BigInteger MinPricePerTokenNative { get; set; }

        [Parameter("uint256", "minPricePerTokenStable", 5)]
        public BigInteger MinPricePerTokenStable { get; set; }
    }

    [Function("updateApiUrl")]
    internal sealed class UpdateApiUrlFunction : FunctionMessage
    {
        [Parameter("string", "newApiUrl", 1)]
        public string NewApiUrl { get; set; } = "";
    }

    [Function("updateMetadata")]
    internal sealed class UpdateMetadataFunction : FunctionMessage
    {
        [Parameter("string", "newMetadata", 1)]
        public string NewMetadata { get; set; } = "";
    }

    [Function("updateSupportedModels")]
    internal sealed class UpdateSupportedModelsFunction : FunctionMessage
    {
        [Parameter("bytes32[]", "newModelIds", 1)]
        public List<byte[]> NewModelIds { get; set; } = new List<byte[]>();
    }

    [Function("stake")]
    internal sealed class StakeFunction : FunctionMessage
    {
        [Parameter("uint256", "amount", 1)]
        public BigInteger Amount { get; set; }
    }

    [Function("unregisterNode")]
    internal sealed class UnregisterNodeFunction : FunctionMessage
    {
    }

    [Function("getNodeFullInfo", typeof(NodeFullInfoOutput))]
    internal sealed class GetNodeFullInfoFunction : FunctionMessage
    {
        [Parameter("address", "operator", 1)]
        public string Operator { get; set; } = "";
    }

    /// <summary>The outputs are unnamed on chain; the order is fixed by the contract.</summary>
    [FunctionOutput]
    internal sealed class NodeFullInfoOutput : IFunctionOutputDTO
    {
        [Parameter("address", "", 1)]
        public string Operator { get; set; } = "";

        [Parameter("uint256", "", 2)]
        public BigInteger StakedAmount { get; set; }

        [Parameter("bool", "", 3)]
        public bool Active { get; set; }

        [Parameter("string", "", 4)]
        public string Metadata { get; set; } = "";

        [Parameter("string", "", 5)]
        public string ApiUrl { get; set; } = "";

        [Parameter("bytes32[]", "", 6)]
        public List<byte[]> SupportedModels { get; set; } = new List<byte[]>();

        [Parameter("uint256", "", 7)]
        public BigInteger MinPricePerTokenNative { get; set; }

        [Parameter("uint256", "", 8)]
        public BigInteger MinPricePerTokenStable { get; set; }
    }

    [Function("getModelPricing", "uint256")]
    internal sealed class GetModelPricingFunction : FunctionMessage
    {
        [Parameter("address", "operator", 1)]
        public string Operator { get; set; } = "";

        [Parameter("bytes32", "modelId", 2)]
        public byte[] ModelId { get; set; } = new byte[32];

        [Parameter("address", "token", 3)]
        public string Token { get; set; } = "";
    }

    [Function("MIN_STAKE", "uint256")]
    internal sealed class MinStakeFunction : FunctionMessage
    {
    }

    [Function("PRICE_PRECISION", "uint256")]
    internal sealed class PricePrecisionFunction : FunctionMessage
    {
    }

    [Function("MIN_PRICE_PER_TOKEN_NATIVE", "uint256")]
    internal sealed class MinPriceNativeFunction : FunctionMessage
    {
    }

    [Function("MAX_PRICE_PER_TOKEN_NATIVE", "uint256")]
    internal sealed class MaxPriceNativeFunction : FunctionMessage
    {
    }

    [Function("MIN_PRICE_PER_TOKEN_STABLE", "uint256")]
    internal sealed class MinPriceStableFunction : FunctionMessage
    {
    }

    [Function("MAX_PRICE_PER_TOKEN_STABLE", "uint256")]
    internal sealed class MaxPriceStableFunction : FunctionMessage
    {
    }
}
