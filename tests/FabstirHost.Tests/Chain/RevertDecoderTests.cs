using FabstirHost.Core.Chain;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    /// <summary>Revert data as cast encodes it, decoded without a chain.</summary>
    public sealed class RevertDecoderTests
    {
        private const string NotRegistered =
            "0x08c379a0" +
            "0000000000000000000000000000000000000000000000000000000000000020" +
            "000000000000000000000000000000000000000000000000000000000000000e" +
            "4e6f742072656769737465726564000000000000000000000000000000000000";

        [Theory]
        [InlineData("Error(string)", "08c379a0")]
        [InlineData("modelTokenPricing(address,bytes32,address)", "80130471")]
        [InlineData("OwnableUnauthorizedAccount(address)", "118cdaa7")]
        [InlineData("ReentrancyGuardReentrantCall()", "3ee5aeb5")]
        [InlineData("SafeERC20FailedOperation(address)", "5274afe7")]
        [InlineData("ERC20InsufficientAllowance(address,uint256,uint256)", "fb8f41b2")]
        [InlineData("ERC20InsufficientBalance(address,uint256,uint256)", "e450d38c")]
        public void SelectorsMatchCast(string signature, string selector)
        {
            Assert.Equal(selector, RevertDecoder.Selector(signature));
        }

        [Fact]
        public void ErrorStringIsDecoded()
        {
            Assert.Equal("Not registered", RevertDecoder.DecodeReason(NotRegistered));
            Assert.Equal("NodeRegistry.updateApiUrl reverted: Not registered",
                RevertDecoder.Describe("NodeRegistry", "updateApiUrl", NotRegistered));
        }

        [Fact]
        public void CustomErrorsAreDecodedWithTheirParameterNames()
        {
            string data = "0x118cdaa7000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";

            Assert.Equal(
                "OwnableUnauthorizedAccount(account=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266)",
                RevertDecoder.DecodeReason(data));
            Assert.Equal("ReentrancyGuardReentrantCall()", RevertDecoder.DecodeReason("0x3ee5aeb5"));
        }

        [Fact]
        public void PanicIsDecoded()
        {
            const string data = "0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000011";

            Assert.Equal("Panic(0x11)", RevertDecoder.DecodeReason(data));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("0x")]
        public void EmptyDataMeansTheFunctionIsMissing(string? data)
        {
            Assert.Null(RevertDecoder.DecodeReason(data));
            Assert.Equal(
                "NodeRegistry.setModelTokenPricing reverted without a reason: the deployed contract has " +
                "no function setModelTokenPricing (wrong contract address or an implementation of " +
                "another generation).",
                RevertDecoder.Describe("NodeRegistry", "setModelTokenPricing", data));
        }

        [Fact]
        public void UnknownOrTruncatedDataIsShownRatherThanHidden()
        {
            Assert.Equal("custom error 0xdeadbeef (not one of the known errors; data 0xdeadbeef01)",
                RevertDecoder.DecodeReason("0xdeadbeef01"));
            Assert.StartsWith(
                "malformed Error(string)", RevertDecoder.DecodeReason(NotRegistered.Substring(0, 80)));
        }
    }
}
