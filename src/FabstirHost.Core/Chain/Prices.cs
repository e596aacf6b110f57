using System.Globalization;
using System.Numerics;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// Which of a host's two prices: paid in the chain's native coin (ETH) or in a stablecoin (USDC).
    /// </summary>
    public enum PriceKind
    {
        Native,
        Stable,
    }

    /// <summary>The human units a price is written in, all per million tokens.</summary>
    public enum PriceUnit
    {
        UsdcPerMillionTokens,
        GweiPerMillionTokens,
        EthPerMillionTokens,
    }

    /// <summary>
    /// Converts prices between the contract's raw units and human units. A session pays
    /// <c>tokensUsed × price / PRICE_PRECISION</c> base units of the payment token, so a million
    /// tokens cost <c>price × 10^6 / PRICE_PRECISION</c> base units: with PRICE_PRECISION = 1000,
    /// a stable price of 5000 is 5 000 000 USDC base units = $5 per million tokens, and a native
    /// price of 3 000 000 is 3 × 10^9 wei = 3 gwei per million tokens.
    /// </summary>
    public static class PriceUnits
    {
        public static readonly BigInteger DefaultPrecision = 1000;

        private static readonly BigInteger Million = 1000000;

        public static PriceKind KindOf(PriceUnit unit)
        {
            return unit == PriceUnit.UsdcPerMillionTokens ? PriceKind.Stable : PriceKind.Native;
        }

        /// <summary>
        /// The raw contract price for a human price; PriceNotRepresentable if it is not a whole raw unit.
        /// </summary>
        public static BigInteger ToRaw(decimal perMillionTokens, PriceUnit unit, BigInteger? precision = null)
        {
            BigInteger scale = precision ?? DefaultPrecision;
            string shown = perMillionTokens.ToString(CultureInfo.InvariantCulture);
            string what = $"The price {shown} {Label(unit)}";
            if (perMillionTokens < 0)
            {
                throw new FabstirException(
                    ChainErrors.PriceNotRepresentable,
                    FabstirErrorCategory.InvalidArgument,
                    what + " is negative.",
                    perMillionTokens);
            }

            BigInteger basePerMillion = TokenAmount.Scale(
                perMillionTokens, Decimals(unit), what, ChainErrors.PriceNotRepresentable);
            BigInteger raw = BigInteger.DivRem(basePerMillion * scale, Million, out BigInteger remainder);
            if (!remainder.IsZero)
            {
                throw new FabstirException(
                    ChainErrors.PriceNotRepresentable,
                    FabstirErrorCategory.InvalidArgument,
                    $"{what} is finer than the contract can store: one raw unit is " +
                    $"{FromRaw(1, unit, scale)} {Label(unit)}. Round it to a multiple of that.",
                    perMillionTokens);
            }

            return raw;
        }

        /// <summary>The human price for a raw contract price.</summary>
        public static decimal FromRaw(BigInteger raw, PriceUnit unit, BigInteger? precision = null)
        {
            BigInteger basePerMillion = raw * Million / (precision ?? DefaultPrecision);
            return TokenAmount.ToDecimal(basePerMillion, Decimals(unit));
        }

        public static string Label(PriceUnit unit)
        {
            switch (unit)
            {
                case PriceUnit.UsdcPerMillionTokens:
                    return "USDC per million tokens";
                case PriceUnit.GweiPerMillionTokens:
                    return "gwei per million tokens";
                default:
                    return "ETH per million tokens";
            }
        }

        private static int Decimals(PriceUnit unit)
        {
            switch (unit)
            {
                case PriceUnit.UsdcPerMillionTokens:
                    return TokenAmount.UsdcDecimals;
                case PriceUnit.GweiPerMillionTokens:
                    return 9;
                default:
                    return TokenAmount.EthDecimals;
            }
        }
    }

    /// <summary>
    /// The price bounds a NodeRegistry enforces (inclusive), read from the contract itself.
    /// </summary>
    public sealed class PriceBounds
    {
        internal PriceBounds(
            BigInteger minNative,
            BigInteger maxNative,
            BigInteger minStable,
            BigInteger maxStable,
            BigInteger precision)
        {
            MinNative = minNative;
            MaxNative = maxNative;
            MinStable = minStable;
            MaxStable = maxStable;
            Precision = precision;
        }

        public BigInteger MinNative { get; }

        public BigInteger MaxNative { get; }

        public BigInteger MinStable { get; }

        public BigInteger MaxStable { get; }

        public BigInteger Precision { get; }

        /// <summary>
        /// Throws PriceOutOfRange, with the bounds in raw and human units, unless raw is within them.
        /// </summary>
        public void Check(PriceKind kind, BigInteger raw)
        {
            BigInteger min = kind == PriceKind.Native ? MinNative : MinStable;
            BigInteger max = kind == PriceKind.Native ? MaxNative : MaxStable;
            if (raw >= min && raw <= max)
            {
                return;
            }

            PriceUnit unit = kind == PriceKind.Native
                ? PriceUnit.GweiPerMillionTokens
                : PriceUnit.UsdcPerMillionTokens;
            string Human(BigInteger value) =>
                $"{PriceUnits.FromRaw(value, unit, Precision)} {PriceUnits.Label(unit)}";
            throw new FabstirException(
                ChainErrors.PriceOutOfRange,
                FabstirErrorCategory.InvalidArgument,
                $"The {kind.ToString().ToLowerInvariant()} price {Human(raw)} (raw {raw}) is outside the " +
                $"registry's bounds: {Human(min)} (raw {min}) to {Human(max)} (raw {max}).",
                raw);
        }
    }
}
