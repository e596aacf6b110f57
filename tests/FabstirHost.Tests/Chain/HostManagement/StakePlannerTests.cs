using System.Numerics;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>Adding stake and unregistering, in both pricing generations.</summary>
    [Collection(HostChainCollection.Name)]
    public sealed class StakePlannerTests
    {
        private readonly LocalChain _chain;

        public StakePlannerTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task AddingStakeApprovesOnlyWhenTheAllowanceIsShort(RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var host = bench.Context();
            using var key = bench.Key();

            var first = await StakePlanner.PlanAddAsync(host, 250.5m, CancellationToken.None);
            var result = await FabstirStakeResult.ExecuteAsync(host, first, 250.5m, key,
                CancellationToken.None);
            await bench.Chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                new ApproveFunction { Spender = bench.Registry,
                    Amount = HostBench.Stake }, null, CancellationToken.None);
            var second = await StakePlanner.PlanAddAsync(host, 1m, CancellationToken.None);

            Assert.Equal(new[] { "approve", "stake" }, result.Transactions.Select(t => t.Function));
            Assert.Equal(1000m, result.StakeBefore);
            Assert.Equal(1250.5m, result.StakeAfter);
            Assert.Equal("stake", Assert.Single(second.Steps).Function);
            Assert.NotNull(second.Steps[0].Estimate);
        }

        [Fact]
        public async Task AZeroAmountIsRefused()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);

            var ex = await bench.RefusedAsync(() => StakePlanner.PlanAddAsync(bench.Context(), 0m,
                CancellationToken.None));

            Assert.Equal(HostManagementErrors.StakeAmountNotPositive, ex.ErrorId);
        }

        [Fact]
        public async Task MoreFabThanTheWalletHoldsIsRefused()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);

            var ex = await bench.RefusedAsync(
                () => StakePlanner.PlanAddAsync(bench.Context(), 10_000_000m, CancellationToken.None));

            Assert.Equal(HostManagementErrors.InsufficientFab, ex.ErrorId);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task StakingWithoutRegistrationIsRefused(RegistryGeneration generation)
        {
            var bench = await HostBench.CreateAsync(_chain, generation);

            var ex = await bench.RefusedAsync(() => StakePlanner.PlanAddAsync(bench.Context(), 1m,
                CancellationToken.None));

            Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task UnregisteringReturnsTheWholeStakeAndASecondTimeIsRefused(
            RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var host = bench.Context();
            using var key = bench.Key();
            BigInteger fabBefore = await FabstirWallet.TokenBalanceAsync(
                bench.Chain, "FAB", _chain.Info.FabToken, bench.Address, CancellationToken.None);

            var (plan, _) = await StakePlanner.PlanUnregisterAsync(host, CancellationToken.None);
            var result = await FabstirUnregistration.ExecuteAsync(host, plan, key, CancellationToken.None);
            var ex = await bench.RefusedAsync(() => StakePlanner.PlanUnregisterAsync(host,
                CancellationToken.None));

            Assert.Contains("1000 FAB, returns", plan.Describe());
            Assert.Equal(1000m, result.ReturnedStake);
            Assert.Equal("unregisterNode", result.Transaction.Function);
            BigInteger fabAfter = await FabstirWallet.TokenBalanceAsync(
                bench.Chain, "FAB", _chain.Info.FabToken, bench.Address, CancellationToken.None);
            Assert.Equal(fabBefore + HostBench.Stake, fabAfter);
            Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
            Assert.Contains("unregistered in block", ex.Message);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task APartialSlashAfterThePlanIsWhatUnregisteringReportsReturned(
            RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var host = bench.Context();
            using var key = bench.Key();
            BigInteger fabBefore = await FabstirWallet.TokenBalanceAsync(
                bench.Chain, "FAB", _chain.Info.FabToken, bench.Address, CancellationToken.None);
            var (plan, _) = await StakePlanner.PlanUnregisterAsync(host, CancellationToken.None);

            await bench.SlashAsync(BigInteger.Parse("400000000000000000000"));
            var result = await FabstirUnregistration.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Equal(600m, result.ReturnedStake);
            BigInteger fabAfter = await FabstirWallet.TokenBalanceAsync(
                bench.Chain, "FAB", _chain.Info.FabToken, bench.Address, CancellationToken.None);
            Assert.Equal(result.ReturnedStakeRaw, fabAfter - fabBefore);
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task AHostSlashedOutBetweenThePlanAndSendingIsNotRegisteredWithTheReason(
            RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var host = bench.Context();
            using var key = bench.Key();
            var (unregister, _) = await StakePlanner.PlanUnregisterAsync(host, CancellationToken.None);
            var update = await HostUpdater.PlanAsync(host,
                new HostUpdateRequest { Metadata = new System.Collections.Hashtable { ["a"] = "b" } },
                new CollectingLog(), CancellationToken.None);

            await bench.SlashAsync(BigInteger.Parse("950000000000000000000"));
            var left = await bench.RefusedAsync(
                () => FabstirUnregistration.ExecuteAsync(host, unregister, key, CancellationToken.None));
            var changed = await bench.RefusedAsync(
                () => FabstirHostUpdate.ExecuteAsync(host, update, key, CancellationToken.None));

            Assert.All(new[] { left, changed }, ex =>
            {
                Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
                Assert.Contains("slashed in block", ex.Message);
            });
        }
    }
}
