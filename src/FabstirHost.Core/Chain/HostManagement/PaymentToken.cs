using System;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// A token a host is paid in: the chain's native coin (address 0), USDC, or any ERC20, with the
    /// decimals its human units need.
    /// </summary>
    public sealed class PaymentToken
    {
        internal PaymentToken(string address, string symbol, int decimals)
        {
            Address = address;
            Symbol = symbol;
            Decimals = decimals;
        }

        /// <summary>The token address; the zero address for the native coin.</summary>
        public string Address { get; }

        /// <summary>ETH for the native coin, else the token's symbol.</summary>
        public string Symbol { get; }

        public int Decimals { get; }

        public bool IsNative => Chain.Addresses.IsZero(Address);

        public static PaymentToken Native { get; } =
            new PaymentToken(Chain.Addresses.Zero, "ETH", TokenAmount.EthDecimals);

        public static PaymentToken Usdc(ChainProfile profile) =>
            new PaymentToken(profile.UsdcToken, "USDC", TokenAmount.UsdcDecimals);

        /// <summary>
        /// Resolves <c>Native</c> (or <c>ETH</c>), <c>USDC</c>, or a token address; an unknown
        /// token's symbol and decimals are read from it.
        /// </summary>
        public static async Task<PaymentToken> ResolveAsync(
            FabstirChain chain,
            string text,
            CancellationToken cancellationToken)
        {
            string name = (text ?? string.Empty).Trim();
            if (name.Equals("Native", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("ETH", StringComparison.OrdinalIgnoreCase) || Chain.Addresses.IsZero(name))
            {
                return Native;
            }

            if (name.Equals("USDC", StringComparison.OrdinalIgnoreCase) ||
                name.Equals(chain.Profile.UsdcToken, StringComparison.OrdinalIgnoreCase))
            {
                return Usdc(chain.Profile);
            }

            if (!name.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                throw new FabstirException(
                    HostManagementErrors.InvalidPaymentToken,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{text}' is not a payment token: use Native (or ETH), USDC, or a token address.",
                    text);
            }

            string address = Chain.Addresses.Validate(name, "The payment token");
            await chain.EnsureContractAsync("payment token", address, cancellationToken)
                .ConfigureAwait(false);
            var decimals = await chain.CallAsync<DecimalsFunction, Uint8Output>(
                "payment token", address, new DecimalsFunction(), cancellationToken).ConfigureAwait(false);
            var symbol = await chain.CallAsync<SymbolFunction, StringOutput>(
                "payment token", address, new SymbolFunction(), cancellationToken).ConfigureAwait(false);
            return new PaymentToken(address, symbol.Value, decimals.Value);
        }

        /// <summary>Which of the registry's price ranges applies: native or stable.</summary>
        internal PriceKind Kind => IsNative ? PriceKind.Native : PriceKind.Stable;

        /// <summary>
        /// The human unit of a price in this token: gwei per million tokens for the native coin
        /// (ETH prices are tiny), whole tokens per million tokens otherwise.
        /// </summary>
        public string PriceUnit => IsNative ? "gwei per million tokens" : Symbol + " per million tokens";

        internal int PriceUnitDecimals => IsNative ? 9 : Decimals;

        public override string ToString() => IsNative ? "ETH (native)" : $"{Symbol} ({Address})";
    }
}
