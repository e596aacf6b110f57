using System.Globalization;
using System.Numerics;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// Price conversions for any payment token. A session pays <c>tokens × price / precision</c>
    /// base units, so a million tokens cost <c>price × 10^6 / precision</c> base units, shown in
    /// the token's <see cref="PaymentToken.PriceUnit"/>.
    /// </summary>
    internal static class TokenPrice
    {
        private static readonly BigInteger Million = 1_000_000;

        public static decimal ToHuman(BigInteger raw, PaymentToken token, BigInteger precision)
        {
            BigInteger basePerMillion = raw * Million / precision;

            decimal human = TokenAmount.ToDecimal(basePerMillion, token.PriceUnitDecimals);

            // Decimal arithmetic keeps trailing zeros (3.00); a round trip through text drops them.
            return decimal.Parse(
                human.ToString("0.############################", CultureInfo.InvariantCulture),
                CultureInfo.InvariantCulture);
        }

        /// <summary>The raw price; PriceNotRepresentable when it is not a whole raw unit.</summary>
        public static BigInteger ToRaw(decimal human, PaymentToken token, BigInteger precision)
        {
            string what = $"The price {human.ToString(CultureInfo.InvariantCulture)} {token.PriceUnit}";
            if (human < 0)
            {
                throw new FabstirException(
                    ChainErrors.PriceNotRepresentable,
                    FabstirErrorCategory.InvalidArgument,
                    what + " is negative.",
                    human);
            }

            BigInteger basePerMillion =
                TokenAmount.Scale(human, token.PriceUnitDecimals, what, ChainErrors.PriceNotRepresentable);
            BigInteger raw = BigInteger.DivRem(basePerMillion * precision, Million, out BigInteger rest);
            if (!rest.IsZero)
            {
                throw new FabstirException(
                    ChainErrors.PriceNotRepresentable,
                    FabstirErrorCategory.InvalidArgument,
                    $"{what} is finer than the contract can store: one raw unit is " +
                    $"{ToHuman(BigInteger.One, token, precision)} {token.PriceUnit}. Round it to a " +
                    "multiple of that, or give -RawPrice.",
                    human);
            }

            return raw;
        }

        public static string Describe(BigInteger raw, PaymentToken token, BigInteger precision)
        {
            string human = ToHuman(raw, token, precision).ToString(CultureInfo.InvariantCulture);
            return $"{human} {token.PriceUnit} (raw {raw})";
        }
    }
}
