using System.Collections;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    public sealed class ChainProfileTests
    {
        private const string AddressA = "0x1111111111111111111111111111111111111111";
        private const string AddressB = "0x2222222222222222222222222222222222222222";
        private const string AddressC = "0x3333333333333333333333333333333333333333";

        [Fact]
        public void DefaultIsBaseSepoliaWithThePublishedAddresses()
        {
            ChainProfile profile = ChainProfileResolver.Resolve(null, null, new Hashtable());

            Assert.Equal("BaseSepolia", profile.Name);
            Assert.Equal(84532, profile.ChainId);
            Assert.Equal("https://sepolia.base.org", profile.RpcUrl);
            Assert.Equal("0x8BC0Af4aAa2dfb99699B1A24bA85E507de10Fd22", profile.NodeRegistry);
            Assert.Equal("0x1a9d91521c85bD252Ac848806Ff5096bBb9ACDb2", profile.ModelRegistry);
            Assert.Equal("0xE4F33e9e132E60fc3477509f99b9E1340b91Aee0", profile.HostEarnings);
            Assert.Equal("0xD067719Ee4c514B5735d1aC0FfB46FECf2A9adA4", profile.JobMarketplace);
            Assert.Equal("0xE8DCa89e1588bbbdc4F7D5F78263632B35401B31", profile.ProofSystem);
            Assert.Equal("0xC78949004B4EB6dEf2D66e49Cd81231472612D62", profile.FabToken);
            Assert.Equal("0x036CbD53842c5426634e7929541eC2318f3dCF7e", profile.UsdcToken);
        }

        [Fact]
        public void ParametersWinOverEnvironmentWhichWinsOverConfiguration()
        {
            var configuration = new ChainSettings
            {
                ChainId = 31337,
                RpcUrl = "http://config.example:8545",
                Contracts = new Dictionary<string, string>
                {
                    ["nodeRegistry"] = AddressA,
                    ["modelRegistry"] = AddressA,
                    ["fabToken"] = AddressA,
                },
            };
            var environment = new Hashtable
            {
                ["CONTRACT_MODEL_REGISTRY"] = AddressB,
                ["FAB_TOKEN"] = AddressB,
                ["RPC_URL"] = "http://environment.example:8545",
            };
            var overrides = new ChainProfileOverrides { RpcUrl = "http://parameter.example:8545" };
            overrides.Contracts[ChainSetting.FabToken] = AddressC;

            ChainProfile profile = ChainProfileResolver.Resolve(overrides, configuration, environment);

            Assert.Equal("Custom", profile.Name);
            Assert.Equal(31337, profile.ChainId);
            Assert.Equal("http://parameter.example:8545", profile.RpcUrl);
            Assert.Equal(AddressA, profile.NodeRegistry);
            Assert.Equal(AddressB, profile.ModelRegistry);
            Assert.Equal(AddressC, profile.FabToken);
            Assert.Equal(ChainProfile.BaseSepolia.UsdcToken, profile.UsdcToken);
        }

        [Fact]
        public void EnvironmentChainIdOverridesConfiguration()
        {
            var profile = ChainProfileResolver.Resolve(
                null, new ChainSettings { ChainId = 1 }, new Hashtable { ["FABSTIR_CHAIN_ID"] = "84532" });

            Assert.Equal(84532, profile.ChainId);
        }

        [Fact]
        public void ConfigurationAcceptsTheNodesEnvironmentNamesAsKeys()
        {
            var configuration = new ChainSettings
            {
                Contracts = new Dictionary<string, string> { ["CONTRACT_HOST_EARNINGS"] = AddressA },
            };

            var profile = ChainProfileResolver.Resolve(null, configuration, new Hashtable());

            Assert.Equal(AddressA, profile.HostEarnings);
        }

        [Fact]
        public void AMalformedAddressIsRejectedWithTheVariableNamed()
        {
            var ex = Assert.Throws<FabstirException>(() => ChainProfileResolver.Resolve(
                null, null, new Hashtable { ["CONTRACT_NODE_REGISTRY"] = "0x1234" }));

            Assert.Equal("InvalidContractAddress", ex.ErrorId);
            Assert.Contains("CONTRACT_NODE_REGISTRY", ex.Message);
            Assert.Equal("0x1234", ex.Target);
        }

        [Fact]
        public void AnUnknownContractInConfigurationIsReported()
        {
            var configuration = new ChainSettings
            {
                Contracts = new Dictionary<string, string> { ["nodeRegistery"] = AddressA },
            };

            var ex = Assert.Throws<FabstirException>(
                () => ChainProfileResolver.Resolve(null, configuration, new Hashtable()));

            Assert.Equal("InvalidChainConfiguration", ex.ErrorId);
            Assert.Contains("nodeRegistery", ex.Message);
        }

        [Theory]
        [InlineData("ftp://rpc.example")]
        [InlineData("not a url")]
        public void ANonHttpRpcUrlIsRejected(string url)
        {
            var ex = Assert.Throws<FabstirException>(() => ChainProfileResolver.Resolve(
                new ChainProfileOverrides { RpcUrl = url }, null, new Hashtable()));

            Assert.Equal("InvalidRpcUrl", ex.ErrorId);
        }

        [Theory]
        [InlineData("https://base.example.com/v2/SECRETKEY", "https://base.example.com/…")]
        [InlineData("https://user:pass@rpc.example:8545/?key=SECRET", "https://rpc.example:8545/…")]
        [InlineData("http://127.0.0.1:8545", "http://127.0.0.1:8545")]
        public void MessagesShowTheRpcWithoutPathOrQuery(string url, string shown)
        {
            var profile = ChainProfileResolver.Resolve(
                new ChainProfileOverrides { RpcUrl = url }, null, new Hashtable());

            Assert.Equal(shown, profile.DisplayRpcUrl);
            Assert.DoesNotContain("SECRET", profile.ToString());
        }

        [Fact]
        public void NodeEnvironmentCarriesEveryAddressUnderTheNodesNames()
        {
            var environment = new Hashtable
            {
                ["CONTRACT_JOB_MARKETPLACE"] = AddressA,
                ["RPC_URL"] = "http://127.0.0.1:9",
            };
            var profile = ChainProfileResolver.Resolve(null, null, environment);

            var forNode = profile.ToNodeEnvironment();

            Assert.Equal(AddressA, forNode["CONTRACT_JOB_MARKETPLACE"]);
            Assert.Equal(profile.NodeRegistry, forNode["CONTRACT_NODE_REGISTRY"]);
            Assert.Equal(profile.ModelRegistry, forNode["CONTRACT_MODEL_REGISTRY"]);
            Assert.Equal(profile.HostEarnings, forNode["CONTRACT_HOST_EARNINGS"]);
            Assert.Equal(profile.ProofSystem, forNode["CONTRACT_PROOF_SYSTEM"]);
            Assert.Equal(profile.FabToken, forNode["FAB_TOKEN"]);
            Assert.Equal(profile.UsdcToken, forNode["USDC_TOKEN"]);
            Assert.Equal("http://127.0.0.1:9", forNode["RPC_URL"]);
            Assert.Equal("http://127.0.0.1:9", forNode["BASE_SEPOLIA_RPC_URL"]);
        }

        [Fact]
        public void ResolvedProfileRoundTripsThroughTheNodeEnvironment()
        {
            var first = ChainProfileResolver.Resolve(
                null, null, new Hashtable { ["CONTRACT_PROOF_SYSTEM"] = AddressB });
            var nodeEnvironment = new Hashtable(first.ToNodeEnvironment().ToDictionary(p => p.Key, p => p.Value));

            var second = ChainProfileResolver.Resolve(null, null, nodeEnvironment);

            Assert.Equal(first.ProofSystem, second.ProofSystem);
            Assert.Equal(first.NodeRegistry, second.NodeRegistry);
        }
    }
}
