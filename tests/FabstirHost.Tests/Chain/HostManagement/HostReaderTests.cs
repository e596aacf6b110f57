using System.Numerics;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>Reading a host, and telling a missing host apart, in both pricing generations.</summary>
    [Collection(HostChainCollection.Name)]
    public sealed class HostReaderTests
    {
        private readonly LocalChain _chain;

        public HostReaderTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task ReadsARegisteredHostWithNamedModelsMetadataAndPrices(RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);

            FabstirHostInfo info = await HostReader.ReadAsync(bench.Context(), CancellationToken.None);

            Assert.True(info.IsRegistered);
            Assert.True(info.Active);
            Assert.Equal(1000m, info.Stake);
            Assert.Equal(HostBench.Stake, info.StakedAmount);
            Assert.Equal("http://127.0.0.1:1", info.ApiUrl);
            Assert.Equal(bench.FirstModel, Assert.Single(info.Models).Spec);
            Assert.Equal(HostBench.PublicKey, info.PublicKey);
            Assert.Equal("test GPU", info.MetadataFields["hardware"]);
            Assert.Equal(generation.ToString(), info.PricingGeneration.ToString());
            FabstirModelPrice native = Assert.Single(info.Prices, p => p.Token == "ETH");
            FabstirModelPrice usdc = Assert.Single(info.Prices, p => p.Token == "USDC");
            Assert.Equal(HostBench.NativePrice, native.RawPrice);
            Assert.Equal(3m, native.Price);
            Assert.Equal("gwei per million tokens", native.Unit);
            Assert.Equal(HostBench.StablePrice, usdc.RawPrice);
            Assert.Equal(5m, usdc.Price);
            Assert.Equal(bench.FirstModel, usdc.Model);
        }

        [Fact]
        public async Task AHostThatNeverRegisteredReadsAsNotRegistered()
        {
            var bench = await HostBench.CreateAsync(_chain, RegistryGeneration.Phase18);

            FabstirHostInfo info = await HostReader.ReadAsync(bench.Context(), CancellationToken.None);

            Assert.False(info.IsRegistered);
            Assert.Empty(info.Models);
            Assert.Null(info.PricingGeneration);
            Assert.Null(info.NotRegisteredReason);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task AHostSlashedOutOfTheRegistryIsNotRegisteredWithTheReason(
            RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var config = new HostConfig { HostAddress = bench.Address, Registered = true };
            var host = bench.Context(config);
            await host.RequireRegisteredAsync(CancellationToken.None);

            await bench.SlashAsync(BigInteger.Parse("950000000000000000000"));
            var ex = await bench.RefusedAsync(() => StakePlanner.PlanAddAsync(host, 10m,
                CancellationToken.None));

            Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
            Assert.Equal(bench.Address, ex.Target);
            Assert.Contains("slashed", ex.Message);
            Assert.Contains("950 FAB taken", ex.Message);
            Assert.Contains("returned 50 FAB", ex.Message);
            FabstirHostInfo info = await HostReader.ReadAsync(host, CancellationToken.None);
            Assert.False(info.IsRegistered);
            Assert.Contains("950 FAB taken", info.NotRegisteredReason);
        }

        [Fact]
        public async Task WithoutAnEventTheConfigurationExplainsAMissingHost()
        {
            var bench = await HostBench.CreateAsync(_chain, RegistryGeneration.Phase18);
            var config = new HostConfig { HostAddress = bench.Address, Registered = true };

            var ex = await bench.RefusedAsync(
                () => bench.Context(config).RequireRegisteredAsync(CancellationToken.None));

            Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
            Assert.Contains("config.json records it as registered", ex.Message);
            Assert.Contains("slash", ex.Message);
        }
    }
}
