using System;
using System.Globalization;
using System.Numerics;

namespace FabstirHost.Core.Chain
{
    /// <summary>Conversions between raw base units and human amounts for a token's decimals.</summary>
    public static class TokenAmount
    {
        public const int EthDecimals = 18;
        public const int FabDecimals = 18;
        public const int UsdcDecimals = 6;

        /// <summary>The raw amount in whole tokens; exact for every value a decimal can hold.</summary>
        public static decimal ToDecimal(BigInteger raw, int decimals)
        {
            BigInteger unit = BigInteger.Pow(10, decimals);
            BigInteger whole = BigInteger.DivRem(raw, unit, out BigInteger fraction);
            decimal result = (decimal)whole;
            if (fraction.IsZero)
            {
                return result;
            }

            // Keep at most 28 significant fractional digits: what decimal can represent.
            int digits = Math.Min(decimals, 28);
            BigInteger scaledFraction = fraction / BigInteger.Pow(10, decimals - digits);
            return result + ((decimal)scaledFraction / (decimal)BigInteger.Pow(10, digits));
        }

        /// <summary>
        /// The raw amount for a human amount; throws <c>AmountNotRepresentable</c> when it has more
        /// fractional digits than the token allows (never rounds money silently).
        /// </summary>
        public static BigInteger ToRaw(decimal amount, int decimals, string what)
        {
            if (amount < 0)
            {
                throw new FabstirException(
                    "AmountNotRepresentable",
                    FabstirErrorCategory.InvalidArgument,
                    $"{what} must not be negative (got {amount.ToString(CultureInfo.InvariantCulture)}).",
                    amount);
            }

            string shown = $"{what} {amount.ToString(CultureInfo.InvariantCulture)}";
            return Scale(amount, decimals, shown, "AmountNotRepresentable");
        }

        /// <param name="what">The value in words, with the value itself: "The price 0.1 USDC ...".</param>
        internal static BigInteger Scale(decimal amount, int decimals, string what, string errorId)
        {
            string text = amount.ToString(CultureInfo.InvariantCulture);
            int point = text.IndexOf('.');
            string whole = point < 0 ? text : text.Substring(0, point);
            string fraction = point < 0 ? string.Empty : text.Substring(point + 1).TrimEnd('0');
            if (fraction.Length > decimals)
            {
                throw new FabstirException(
                    errorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"{what} has more precision than can be expressed: at most {decimals} digits " +
                    "after the decimal point.",
                    amount);
            }

            return BigInteger.Parse(whole + fraction.PadRight(decimals, '0'), CultureInfo.InvariantCulture);
        }
    }
}
