using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for the ModelRegistry reads a host needs.
namespace FabstirHost.Core.Chain.Contracts
{
    [Function("getModelId", "bytes32")]
    internal sealed class GetModelIdFunction : FunctionMessage
    {
        [Parameter("string", "repo", 1)]
        public string Repo { get; set; } = "";

        [Parameter("string", "fileName", 2)]
        public string FileName { get; set; } = "";
    }

    [Function("isModelApproved", "bool")]
    internal sealed class IsModelApprovedFunction : FunctionMessage
    {
        [Parameter("bytes32", "modelId", 1)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    [Function("getAllModels", "bytes32[]")]
    internal sealed class GetAllModelsFunction : FunctionMessage
    {
    }

    [Function("getModel", typeof(GetModelOutput))]
    internal sealed class GetModelFunction : FunctionMessage
    {
        [Parameter("bytes32", "modelId", 1)]
        public byte[] ModelId { get; set; } = new byte[32];
    }

    /// <summary>getModel returns one tuple; its fields follow.</summary>
    [FunctionOutput]
    internal sealed class GetModelOutput : IFunctionOutputDTO
    {
        [Parameter("tuple", "", 1)]
        public ModelTuple Model { get; set; } = new ModelTuple();
    }

    internal sealed class ModelTuple
    {
        [Parameter("string", "huggingfaceRepo", 1)]
        public string HuggingfaceRepo { get; set; } = "";

        [Parameter("string", "fileName", 2)]
        public string FileName { get; set; } = "";

        [Parameter("bytes32", "sha256Hash", 3)]
        public byte[] Sha256Hash { get; set; } = new byte[32];

        [Parameter("uint256", "approvalTier", 4)]
        public BigInteger ApprovalTier { get; set; }

        [Parameter("bool", "active", 5)]
        public bool Active { get; set; }

        [Parameter("uint256", "timestamp", 6)]
        public BigInteger Timestamp { get; set; }
    }
}
