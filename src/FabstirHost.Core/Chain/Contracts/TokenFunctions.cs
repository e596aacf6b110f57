using System.Collections.Generic;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for the ERC20 functions the host flows use (FAB staking, USDC balances).
namespace FabstirHost.Core.Chain.Contracts
{
    [Function("balanceOf", "uint256")]
    internal sealed class BalanceOfFunction : FunctionMessage
    {
        [Parameter("address", "account", 1)]
        public string Account { get; set; } = "";
    }

    [Function("allowance", "uint256")]
    internal sealed class AllowanceFunction : FunctionMessage
    {
        [Parameter("address", "owner", 1)]
        public string Owner { get; set; } = "";

        [Parameter("address", "spender", 2)]
        public string Spender { get; set; } = "";
    }

    [Function("approve", "bool")]
    internal sealed class ApproveFunction : FunctionMessage
    {
        [Parameter("address", "spender", 1)]
        public string Spender { get; set; } = "";

        [Parameter("uint256", "amount", 2)]
        public BigInteger Amount { get; set; }
    }

    [Function("decimals", "uint8")]
    internal sealed class DecimalsFunction : FunctionMessage
    {
    }

    [Function("symbol", "string")]
    internal sealed class SymbolFunction : FunctionMessage
    {
    }

    /// <summary>The output of any function returning one uint256 (balances, constants, prices).</summary>
    [FunctionOutput]
    internal sealed class UintOutput : IFunctionOutputDTO
    {
        [Parameter("uint256", "", 1)]
        public BigInteger Value { get; set; }
    }

    [FunctionOutput]
    internal sealed class Uint8Output : IFunctionOutputDTO
    {
        [Parameter("uint8", "", 1)]
        public byte Value { get; set; }
    }

    [FunctionOutput]
    internal sealed class BoolOutput : IFunctionOutputDTO
    {
        [Parameter("bool", "", 1)]
        public bool Value { get; set; }
    }

    [FunctionOutput]
    internal sealed class StringOutput : IFunctionOutputDTO
    {
        [Parameter("string", "", 1)]
        public string Value { get; set; } = "";
    }

    [FunctionOutput]
    internal sealed class Bytes32Output : IFunctionOutputDTO
    {
        [Parameter("bytes32", "", 1)]
        public byte[] Value { get; set; } = new byte[32];
    }

    [FunctionOutput]
    internal sealed class Bytes32ArrayOutput : IFunctionOutputDTO
    {
        [Parameter("bytes32[]", "", 1)]
        public List<byte[]> Values { get; set; } = new List<byte[]>();
    }

    [FunctionOutput]
    internal sealed class UintArrayOutput : IFunctionOutputDTO
    {
        [Parameter("uint256[]", "", 1)]
        public List<BigInteger> Values { get; set; } = new List<BigInteger>();
    }
}
