using System.Collections.Generic;
using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

// Typed messages for HostEarnings: balances and withdrawals (address 0 = ETH).
namespace FabstirHost.Core.Chain.Contracts
{
    [Function("getBalances", "uint256[]")]
    internal sealed class GetEarningsBalancesFunction : FunctionMessage
    {
        [Parameter("address", "host", 1)]
        public string Host { get; set; } = "";

        [Parameter("address[]", "tokens", 2)]
        public List<string> Tokens { get; set; } = new List<string>();
    }

    [Function("withdraw")]
    internal sealed class WithdrawEarningsFunction : FunctionMessage
    {
        [Parameter("uint256", "amount", 1)]
        public BigInteger Amount { get; set; }

        [Parameter("address", "token", 2)]
        public string Token { get; set; } = "";
    }

    [Function("withdrawAll")]
    internal sealed class WithdrawAllEarningsFunction : FunctionMessage
    {
        [Parameter("address", "token", 1)]
        public string Token { get; set; } = "";
    }

    [Function("withdrawMultiple")]
    internal sealed class WithdrawMultipleEarningsFunction : FunctionMessage
    {
        [Parameter("address[]", "tokens", 1)]
        public List<string> Tokens { get; set; } = new List<string>();
    }
}
