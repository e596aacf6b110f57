using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    public sealed class PriceUnitsTests
    {
        [Fact]
        public void StablePriceOf5000IsFiveDollarsPerMillionTokens()
        {
            Assert.Equal(5m, PriceUnits.FromRaw(5000, PriceUnit.UsdcPerMillionTokens));
            Assert.Equal(new BigInteger(5000), PriceUnits.ToRaw(5m, PriceUnit.UsdcPerMillionTokens));
        }

        [Fact]
        public void NativePriceOf3MillionIsThreeGweiPerMillionTokens()
        {
            Assert.Equal(3m, PriceUnits.FromRaw(3_000_000, PriceUnit.GweiPerMillionTokens));
            Assert.Equal(new BigInteger(3_000_000), PriceUnits.ToRaw(3m, PriceUnit.GweiPerMillionTokens));
            Assert.Equal(0.000000003m, PriceUnits.FromRaw(3_000_000, PriceUnit.EthPerMillionTokens));
            Assert.Equal(
                new BigInteger(3_000_000), PriceUnits.ToRaw(0.000000003m, PriceUnit.EthPerMillionTokens));
        }

        [Fact]
        public void FormulaHoldsForAMillionTokens()
        {
            // A session pays tokensUsed * price / PRICE_PRECISION base units.
            BigInteger raw = PriceUnits.ToRaw(2.5m, PriceUnit.UsdcPerMillionTokens);
            BigInteger paid = 1_000_000 * raw / 1000;

            Assert.Equal(new BigInteger(2_500_000), paid); // 2.5 USDC in 6-decimal base units
        }

        [Theory]
        [InlineData(0.001, 1)]
        [InlineData(100000, 100_000_000)]
        public void StableBoundsInHumanUnits(double usdc, long raw)
        {
            Assert.Equal(
                new BigInteger(raw), PriceUnits.ToRaw((decimal)usdc, PriceUnit.UsdcPerMillionTokens));
        }

        [Fact]
        public void APriceFinerThanOneRawUnitIsRefusedNotRounded()
        {
            var ex = Assert.Throws<FabstirException>(
                () => PriceUnits.ToRaw(0.0005m, PriceUnit.UsdcPerMillionTokens));

            Assert.Equal("PriceNotRepresentable", ex.ErrorId);
            Assert.Contains("0.001 USDC per million tokens", ex.Message);
        }

        [Fact]
        public void APriceWithTooManyDecimalsNamesItsValueOnce()
        {
            var ex = Assert.Throws<FabstirException>(
                () => PriceUnits.ToRaw(0.0000001m, PriceUnit.UsdcPerMillionTokens));

            Assert.Equal("PriceNotRepresentable", ex.ErrorId);
            Assert.StartsWith("The price 0.0000001 USDC per million tokens has more precision", ex.Message);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(ex.Message, "0\\.0000001"));
        }

        [Fact]
        public void AnAmountWithTooManyDecimalsNamesItsValueOnce()
        {
            var ex = Assert.Throws<FabstirException>(
                () => TokenAmount.ToRaw(0.0000001m, 6, "The amount to withdraw"));

            Assert.Equal("AmountNotRepresentable", ex.ErrorId);
            Assert.StartsWith("The amount to withdraw 0.0000001 has more precision", ex.Message);
        }

        [Fact]
        public void BoundsCheckNamesBothUnits()
        {
            var bounds = new PriceBounds(227_273, 22_727_272_727_273_000, 1, 100_000_000, 1000);

            bounds.Check(PriceKind.Native, 227_273);
            bounds.Check(PriceKind.Stable, 100_000_000);
            var ex = Assert.Throws<FabstirException>(() => bounds.Check(PriceKind.Native, 227_272));

            Assert.Equal("PriceOutOfRange", ex.ErrorId);
            Assert.Contains("raw 227272", ex.Message);
            Assert.Contains("0.227273 gwei per million tokens (raw 227273)", ex.Message);
        }
    }
}
