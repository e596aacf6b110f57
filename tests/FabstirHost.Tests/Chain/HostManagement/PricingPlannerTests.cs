using System.Numerics;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>Setting and clearing prices in both pricing generations.</summary>
    [Collection(HostChainCollection.Name)]
    public sealed class PricingPlannerTests
    {
        private readonly LocalChain _chain;

        public PricingPlannerTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy, "updatePricingStable")]
        [InlineData(RegistryGeneration.Phase18, "setModelTokenPricing")]
        public async Task SetsAUsdcPriceInHumanUnitsAndSendsNothingTheSecondTime(
            RegistryGeneration generation,
            string function)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var host = bench.Context();
            var request = new PricingRequest { Token = "USDC", Price = 2.5m };

            HostTransactionPlan plan = await HostPricingPlanner.PlanSetAsync(host, request,
                CancellationToken.None);
            using var key = bench.Key();
            FabstirHostUpdate update = await FabstirHostUpdate.ExecuteAsync(host, plan, key,
                CancellationToken.None);

            Assert.Equal(function, Assert.Single(update.Transactions).Function);
            Assert.Matches("^0x[0-9a-f]{64}$", update.TransactionHashes[0]);
            FabstirModelPrice usdc = Assert.Single(update.Host!.Prices, p => p.Token == "USDC");
            Assert.Equal(new BigInteger(2500), usdc.RawPrice);
            Assert.Equal(2.5m, usdc.Price);
            var again = await HostPricingPlanner.PlanSetAsync(host, request, CancellationToken.None);
            Assert.True(again.IsEmpty);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task AnInactiveHostIsRefusedBeforeAnythingIsSent(RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            await bench.DeactivateAsync();

            var ex = await bench.RefusedAsync(async () =>
            {
                HostTransactionPlan plan = await HostPricingPlanner.PlanSetAsync(bench.Context(),
                    new PricingRequest { Token = "USDC", Price = 3m }, CancellationToken.None);
                using var key = bench.Key();
                await FabstirHostUpdate.ExecuteAsync(bench.Context(), plan, key, CancellationToken.None);
            });

            Assert.Equal("HostNotActive", ex.ErrorId);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task APlanCarriesGasEstimatesAndSendsNothing(RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            BigInteger nonce = await bench.NonceAsync();

            HostTransactionPlan plan = await HostPricingPlanner.PlanSetAsync(
                bench.Context(), new PricingRequest { Token = "Native",
                    RawPrice = 4_000_000 }, CancellationToken.None);

            HostTransactionStep step = Assert.Single(plan.Steps);
            Assert.NotNull(step.Estimate);
            Assert.True(step.Estimate!.GasEstimate > 21_000);
            Assert.Contains("gas ≈", plan.Describe());
            Assert.Contains("4 gwei per million tokens (raw 4000000)", plan.Describe());
            Assert.Equal(nonce, await bench.NonceAsync());
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy, "Native", "227272")]
        [InlineData(RegistryGeneration.Phase18, "Native", "22727272727273001")]
        [InlineData(RegistryGeneration.Legacy, "USDC", "100000001")]
        [InlineData(RegistryGeneration.Phase18, "USDC", "0")]
        public async Task APriceOutsideTheContractsBoundsIsRefused(
            RegistryGeneration generation,
            string token,
            string raw)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var request = new PricingRequest { Token = token, RawPrice = BigInteger.Parse(raw) };

            var ex = await bench.RefusedAsync(
                () => HostPricingPlanner.PlanSetAsync(bench.Context(), request, CancellationToken.None));

            Assert.Equal(ChainErrors.PriceOutOfRange, ex.ErrorId);
            Assert.Contains("outside the registry's bounds", ex.Message);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task PricingAModelTheHostDoesNotAdvertiseIsRefused(RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var request = new PricingRequest { Models = new[] { bench.SecondModel }, Token = "USDC",
                Price = 1m };

            var ex = await bench.RefusedAsync(
                () => HostPricingPlanner.PlanSetAsync(bench.Context(), request, CancellationToken.None));

            Assert.Equal(HostManagementErrors.ModelNotSupported, ex.ErrorId);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task PricingWithoutRegistrationIsRefused(RegistryGeneration generation)
        {
            var bench = await HostBench.CreateAsync(_chain, generation);

            var ex = await bench.RefusedAsync(() => HostPricingPlanner.PlanSetAsync(
                bench.Context(), new PricingRequest { Token = "USDC", Price = 1m }, CancellationToken.None));
            var clear = await bench.RefusedAsync(() => HostPricingPlanner.PlanClearAsync(
                bench.Context(), null, new[] { "USDC" }, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
            Assert.Equal(HostManagementErrors.HostNotRegistered, clear.ErrorId);
        }

        [Fact]
        public async Task LegacyPerModelPricesAreOverridesOfBothPrices()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var host = bench.Context();
            using var key = bench.Key();
            var request = new PricingRequest { Models = new[] { bench.FirstModel }, Token = "Native",
                Price = 7m };

            var plan = await HostPricingPlanner.PlanSetAsync(host, request, CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Equal("setModelPricing", Assert.Single(update.Transactions).Function);
            Assert.Equal(new BigInteger(7_000_000),
                update.Host!.Prices.Single(p => p.Token == "ETH").RawPrice);
            Assert.Equal(HostBench.StablePrice, update.Host.Prices.Single(p => p.Token == "USDC").RawPrice);
        }

        [Fact]
        public async Task LegacyRefusesPerModelPricesInAnotherToken()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var request = new PricingRequest
            {
                Models = new[] { bench.FirstModel }, Token = _chain.Info.FabToken, RawPrice = 10,
            };

            var ex = await bench.RefusedAsync(
                () => HostPricingPlanner.PlanSetAsync(bench.Context(), request, CancellationToken.None));

            Assert.Equal(HostManagementErrors.PricingNotSupported, ex.ErrorId);
        }

        [Fact]
        public async Task Phase18AcceptsAnyTokenWithItsOwnDecimals()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var host = bench.Context();
            var request = new PricingRequest { Token = _chain.Info.FabToken, Price = 0.00000005m };

            var plan = await HostPricingPlanner.PlanSetAsync(host, request, CancellationToken.None);

            Assert.Contains("0.00000005 FAB per million tokens (raw 50000000)", plan.Describe());
        }

        [Fact]
        public async Task ClearingInPhase18WarnsThatTheModelCannotBeSoldInThatToken()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var host = bench.Context();
            var log = new CollectingLog();
            using var key = bench.Key();

            var plan = await HostPricingPlanner.PlanClearAsync(host, null, new[] { "USDC" }, log,
                CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Equal("clearModelTokenPricing", Assert.Single(update.Transactions).Function);
            Assert.Contains("cannot be sold in that token", log.All);
            Assert.False(update.Host!.Prices.Single(p => p.Token == "USDC").IsSet);
            Assert.True(update.Host.Prices.Single(p => p.Token == "ETH").IsSet);
            var again = await HostPricingPlanner.PlanClearAsync(host, null, new[] { "USDC" }, log,
                CancellationToken.None);
            Assert.True(again.IsEmpty);
        }

        [Fact]
        public async Task ClearingInLegacyDropsTheOverridesBackToTheNodePrices()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var host = bench.Context();
            using var key = bench.Key();
            var set = await HostPricingPlanner.PlanSetAsync(host, new PricingRequest
            {
                Models = new[] { bench.FirstModel }, Token = "USDC", RawPrice = 9000,
            }, CancellationToken.None);
            await set.ExecuteAsync(key, CancellationToken.None);

            var plan = await HostPricingPlanner.PlanClearAsync(
                host,
                new[] { bench.FirstModel },
                new[] { "USDC" },
                new CollectingLog(),
                CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Equal("clearModelPricing", Assert.Single(update.Transactions).Function);
            Assert.Equal(HostBench.StablePrice, update.Host!.Prices.Single(p => p.Token == "USDC").RawPrice);
        }
    }
}
