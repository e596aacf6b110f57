using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Models;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    /// <summary>Connecting, reading and probing against anvil with the test doubles.</summary>
    public sealed class FabstirChainTests : IClassFixture<LocalChain>
    {
        private readonly LocalChain _chain;

        public FabstirChainTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData(DevAccounts.DeployerKey, DevAccounts.DeployerAddress)]
        [InlineData(DevAccounts.HostKey, DevAccounts.HostAddress)]
        [InlineData(DevAccounts.SecondHostKey, DevAccounts.SecondHostAddress)]
        [InlineData(DevAccounts.BystanderKey, DevAccounts.BystanderAddress)]
        public void DevKeysBelongToTheirAddresses(string key, string address)
        {
            using var hostKey = LocalChain.Key(key);

            Assert.Equal(address, hostKey.Address);
        }

        [Fact]
        public async Task ConnectsWhenTheChainIdMatches()
        {
            var log = new CollectingLog();
            var chain = new FabstirChain(_chain.Profile(), log);

            await chain.ConnectAsync(CancellationToken.None);

            Assert.Contains("Connected to chain 84532", log.All);
        }

        [Fact]
        public async Task AnotherChainIdIsAMismatchBeforeAnythingElse()
        {
            var local = _chain.Profile();
            var chain = new FabstirChain(WithRpc(local, local.RpcUrl, chainId: 1));

            var ex = await Assert.ThrowsAsync<FabstirException>(
                () => FabstirWallet.ReadAsync(chain, _chain.HostAddress, CancellationToken.None));

            Assert.Equal("ChainIdMismatch", ex.ErrorId);
            Assert.Contains("serves chain 84532, not chain 1", ex.Message);
            Assert.Equal(local.DisplayRpcUrl, ex.Target);
        }

        [Fact]
        public async Task AClosedPortIsUnreachableNotNotRegistered()
        {
            int closedPort = FreePort.Tcp();
            var local = _chain.Profile();
            var registry = new NodeRegistry(new FabstirChain(WithRpc(local, $"http://127.0.0.1:{closedPort}")));

            var ex = await Assert.ThrowsAsync<FabstirException>(
                () => registry.GetNodeAsync(_chain.HostAddress, CancellationToken.None));

            Assert.Equal("RpcUnreachable", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.ConnectionError, ex.Category);
            Assert.Contains($"127.0.0.1:{closedPort}", ex.Message);
            Assert.DoesNotContain("not registered", ex.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public async Task AnRpcThatAcceptsButNeverAnswersTimesOutAsUnreachable()
        {
            var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
                var profile = WithRpc(_chain.Profile(), $"http://127.0.0.1:{port}");
                var chain = new FabstirChain(profile, rpcTimeout: TimeSpan.FromMilliseconds(300));
                var watch = System.Diagnostics.Stopwatch.StartNew();

                var ex = await Assert.ThrowsAsync<FabstirException>(() => chain.ConnectAsync(CancellationToken.None));

                Assert.Equal("RpcUnreachable", ex.ErrorId);
                Assert.Contains("No answer within 0.3 s", ex.Message);
                Assert.InRange(watch.ElapsedMilliseconds, 250, 5000);
            }
            finally
            {
                silent.Stop();
            }
        }

        [Fact]
        public async Task AnAddressWithoutCodeIsContractCodeMissing()
        {
            const string empty = "0x000000000000000000000000000000000000dEaD";
            var registry = new NodeRegistry(new FabstirChain(_chain.Profile(empty)));

            var ex = await Assert.ThrowsAsync<FabstirException>(
                () => registry.GetNodeAsync(_chain.HostAddress, CancellationToken.None));

            Assert.Equal("ContractCodeMissing", ex.ErrorId);
            Assert.Equal(empty, ex.Target);
            Assert.Contains("NodeRegistry", ex.Message);
        }

        [Fact]
        public async Task ProbeTellsThePricingGenerationsApart()
        {
            var chain = new FabstirChain(_chain.Profile());

            var phase18 = await new NodeRegistry(chain, _chain.Info.NodeRegistry)
                .ProbeGenerationAsync(CancellationToken.None);
            var legacy = await new NodeRegistry(chain, _chain.Info.LegacyNodeRegistry)
                .ProbeGenerationAsync(CancellationToken.None);

            Assert.Equal(PricingGeneration.Phase18, phase18);
            Assert.Equal(PricingGeneration.Legacy, legacy);
        }

        [Fact]
        public async Task ProbeOfAnAddressWithoutCodeIsContractCodeMissing()
        {
            const string empty = "0x000000000000000000000000000000000000bEEF";
            var registry = new NodeRegistry(new FabstirChain(_chain.Profile()), empty);

            var ex = await Assert.ThrowsAsync<FabstirException>(
                () => registry.ProbeGenerationAsync(CancellationToken.None));

            Assert.Equal("ContractCodeMissing", ex.ErrorId);
        }

        [Fact]
        public async Task PriceBoundsAndStakeAreReadFromTheContract()
        {
            var registry = new NodeRegistry(new FabstirChain(_chain.Profile()));

            PriceBounds bounds = await registry.GetPriceBoundsAsync(CancellationToken.None);
            BigInteger stake = await registry.GetMinimumStakeAsync(CancellationToken.None);

            Assert.Equal(new BigInteger(227_273), bounds.MinNative);
            Assert.Equal(BigInteger.Parse("22727272727273000"), bounds.MaxNative);
            Assert.Equal(BigInteger.One, bounds.MinStable);
            Assert.Equal(new BigInteger(100_000_000), bounds.MaxStable);
            Assert.Equal(new BigInteger(1000), bounds.Precision);
            Assert.Equal(BigInteger.Parse("1000000000000000000000"), stake);
        }

        [Fact]
        public async Task WalletShowsSeededBalancesInHumanAndRawUnits()
        {
            var wallet = await FabstirWallet.ReadAsync(
                new FabstirChain(_chain.Profile()),
                _chain.HostAddress.ToLowerInvariant(),
                CancellationToken.None);

            Assert.Equal(_chain.HostAddress, wallet.Address);
            Assert.Equal(5000m, wallet.Fab);
            Assert.Equal(TestChainDeployer.HostFabGrant, wallet.FabRaw);
            Assert.Equal(0m, wallet.Usdc);
            Assert.True(wallet.Eth > 9000m, $"anvil funds dev accounts with 10000 ETH, saw {wallet.Eth}");
        }

        [Fact]
        public async Task ModelRegistryReportsApprovedDeactivatedAndUnknownModels()
        {
            var registry = new ModelRegistry(new FabstirChain(_chain.Profile()));
            var approved = ModelSpec.Parse(_chain.Info.ApprovedModels[0]);
            var retired = ModelSpec.Parse(_chain.Info.DeactivatedModel);
            var unknown = ModelSpec.Parse(_chain.Info.UnknownModel);

            Assert.True(await registry.IsApprovedAsync(approved, CancellationToken.None));
            Assert.False(await registry.IsApprovedAsync(retired, CancellationToken.None));
            Assert.False(await registry.IsApprovedAsync(unknown, CancellationToken.None));
            Assert.Null(await registry.GetModelAsync(unknown.Id, CancellationToken.None));

            FabstirModel? model = await registry.GetModelAsync(approved.Id, CancellationToken.None);
            Assert.NotNull(model);
            Assert.Equal(approved.ToString(), model!.Spec);
            Assert.Equal(_chain.Info.ModelHashes[approved.ToString()], model.Sha256);
            Assert.True(model.Approved);

            var all = await registry.GetAllModelsAsync(CancellationToken.None);
            Assert.Equal(3, all.Count);
            Assert.Single(all, m => !m.Approved);
        }

        [Fact]
        public async Task ModelIdsMatchTheContractsOwnRule()
        {
            var chain = new FabstirChain(_chain.Profile());
            foreach (string text in _chain.Info.ApprovedModels)
            {
                var spec = ModelSpec.Parse(text);
                var onChain = await chain.CallAsync<GetModelIdFunction, Bytes32Output>(
                    ModelRegistry.ContractName,
                    _chain.Info.ModelRegistry,
                    new GetModelIdFunction { Repo = spec.Repository, FileName = spec.FileName },
                    CancellationToken.None);

                Assert.Equal(spec.Id, "0x" + Convert.ToHexString(onChain.Value).ToLowerInvariant());
            }
        }

        [Fact]
        public async Task ANodeThatWasNeverRegisteredReadsAsNotRegistered()
        {
            var registry = new NodeRegistry(new FabstirChain(_chain.Profile()));

            var node = await registry.GetNodeAsync(DevAccounts.BystanderAddress, CancellationToken.None);

            Assert.False(node.IsRegistered);
            Assert.Equal(BigInteger.Zero, node.StakedAmount);
        }

        private static ChainProfile WithRpc(ChainProfile profile, string rpcUrl, long chainId = 84532)
        {
            return new ChainProfile(
                profile.Name,
                chainId,
                rpcUrl,
                profile.NodeRegistry,
                profile.ModelRegistry,
                profile.HostEarnings,
                profile.JobMarketplace,
                profile.ProofSystem,
                profile.FabToken,
                profile.UsdcToken);
        }
    }
}
