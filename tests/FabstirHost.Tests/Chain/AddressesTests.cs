using FabstirHost.Core;
using FabstirHost.Core.Chain;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    public sealed class AddressesTests
    {
        private const string Key = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

        [Theory]
        [InlineData("0x" + Key)]
        [InlineData("0X" + Key)]
        [InlineData(Key)]
        public void AValueShapedLikeAPrivateKeyIsNamedSoAndNotShown(string value)
        {
            var ex = Assert.Throws<FabstirException>(() => Addresses.Validate(value, "-Address"));

            Assert.Equal(ChainErrors.InvalidAddress, ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.InvalidArgument, ex.Category);
            Assert.Contains("what a private key looks like", ex.Message);
            Assert.Contains("0x followed by 40 hexadecimal digits", ex.Message);
            Assert.DoesNotContain(Key, ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("-Address", ex.Target);
        }

        [Theory]
        [InlineData("bob", "'bob' is not an address")]
        [InlineData("0x1234", "'0x1234' has 4 hexadecimal digits, not 40")]
        [InlineData("", "is empty")]
        public void OtherValuesAreShownWithWhatAnAddressLooksLike(string value, string expected)
        {
            var ex = Assert.Throws<FabstirException>(() => Addresses.Validate(value, "-Address"));

            Assert.Equal(ChainErrors.InvalidAddress, ex.ErrorId);
            Assert.Contains("-Address " + expected + ": an address is 0x followed by 40", ex.Message);
        }

        [Fact]
        public void AWellFormedAddressIsChecksummed()
        {
            Assert.Equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                Addresses.Validate("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "-Address"));
        }
    }
}
