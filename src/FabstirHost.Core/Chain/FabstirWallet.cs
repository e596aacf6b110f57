using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// An address and what it holds on the profile's chain, in whole units and raw base units.
    /// </summary>
    public sealed class FabstirWallet
    {
        internal FabstirWallet(
            string address,
            long chainId,
            BigInteger ethWei,
            BigInteger fabRaw,
            BigInteger usdcRaw)
        {
            Address = address;
            ChainId = chainId;
            EthWei = ethWei;
            FabRaw = fabRaw;
            UsdcRaw = usdcRaw;
            Eth = TokenAmount.ToDecimal(ethWei, TokenAmount.EthDecimals);
            Fab = TokenAmount.ToDecimal(fabRaw, TokenAmount.FabDecimals);
            Usdc = TokenAmount.ToDecimal(usdcRaw, TokenAmount.UsdcDecimals);
        }

        public string Address { get; }

        public long ChainId { get; }

        public decimal Eth { get; }

        public decimal Fab { get; }

        public decimal Usdc { get; }

        public BigInteger EthWei { get; }

        public BigInteger FabRaw { get; }

        public BigInteger UsdcRaw { get; }

        /// <summary>
        /// Reads the ETH, FAB and USDC balances of <paramref name="address"/>. No key is needed.
        /// </summary>
        public static async Task<FabstirWallet> ReadAsync(
            FabstirChain chain,
            string address,
            CancellationToken cancellationToken)
        {
            address = Addresses.Validate(address, "The wallet address");
            BigInteger eth = await chain.GetEthBalanceAsync(address, cancellationToken).ConfigureAwait(false);
            BigInteger fab = await TokenBalanceAsync(
                    chain, "FAB token", chain.Profile.FabToken, address, cancellationToken)
                .ConfigureAwait(false);
            BigInteger usdc = await TokenBalanceAsync(
                    chain, "USDC token", chain.Profile.UsdcToken, address, cancellationToken)
                .ConfigureAwait(false);
            return new FabstirWallet(address, chain.Profile.ChainId, eth, fab, usdc);
        }

        internal static async Task<BigInteger> TokenBalanceAsync(
            FabstirChain chain,
            string contract,
            string token,
            string owner,
            CancellationToken cancellationToken)
        {
            var output = await chain.CallAsync<BalanceOfFunction, UintOutput>(
                contract, token, new BalanceOfFunction { Account = owner }, cancellationToken)
                    .ConfigureAwait(false);
            return output.Value;
        }
    }
}
