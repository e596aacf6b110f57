using System.Numerics;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.Tests.Infrastructure;
using Nethereum.Hex.HexTypes;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>
    /// Reading and withdrawing HostEarnings. Each test is paid into its own dev account, so the
    /// balances of one test never show in another.
    /// </summary>
    [Collection(HostChainCollection.Name)]
    public sealed class EarningsPlannerTests
    {
        private static readonly BigInteger OneEth = BigInteger.Parse("1000000000000000000");

        private readonly LocalChain _chain;

        public EarningsPlannerTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Fact]
        public async Task BalancesAreGivenPerTokenInHumanAndRawUnits()
        {
            using HostKey key = Account(4);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, Addresses.Zero, OneEth / 4);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, _chain.Info.UsdcToken,
                12_500_000);

            var earnings = await EarningsPlanner.GetAsync(Chain(), key.Address, new[] { "Native",
                "USDC" }, default);

            Assert.Equal(new[] { "ETH", "USDC" }, earnings.Select(e => e.Token));
            Assert.Equal(0.25m, earnings[0].Amount);
            Assert.Equal(OneEth / 4, earnings[0].RawAmount);
            Assert.Equal(12.5m, earnings[1].Amount);
            Assert.Equal(new BigInteger(12_500_000), earnings[1].RawAmount);
        }

        [Fact]
        public async Task WithdrawsAnAmountOfOneToken()
        {
            using HostKey key = Account(5);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, _chain.Info.UsdcToken,
                20_000_000);
            var chain = Chain();

            var plan = await EarningsPlanner.PlanWithdrawAsync(
                chain, key.Address, new[] { "USDC" }, 7.5m, false, new CollectingLog(), default);
            var withdrawal = await plan.ExecuteAsync(key, default);

            Assert.Equal("withdraw", withdrawal.Transaction.Function);
            Assert.Equal(7.5m, Assert.Single(withdrawal.Withdrawn).Amount);
            Assert.True(withdrawal.GasCostEth > 0);
            Assert.Contains("costs about", plan.Plan.Describe());
            var left = await EarningsPlanner.GetAsync(chain, key.Address, new[] { "USDC" }, default);
            Assert.Equal(12.5m, left[0].Amount);
            Assert.Equal(new BigInteger(7_500_000), await FabstirWallet.TokenBalanceAsync(
                chain, "USDC", _chain.Info.UsdcToken, key.Address, default));
        }

        [Fact]
        public async Task WithdrawsEverythingAtOnce()
        {
            using HostKey key = Account(6);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, Addresses.Zero, OneEth);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, _chain.Info.UsdcToken,
                3_000_000);
            var chain = Chain();

            var plan = await EarningsPlanner.PlanWithdrawAsync(
                chain, key.Address, new[] { "Native", "USDC" }, null, false, new CollectingLog(), default);
            var withdrawal = await plan.ExecuteAsync(key, default);

            Assert.Equal("withdrawMultiple", withdrawal.Transaction.Function);
            Assert.Equal(new[] { 1m, 3m }, withdrawal.Withdrawn.Select(w => w.Amount));
            var left = await EarningsPlanner.GetAsync(chain, key.Address, new[] { "Native", "USDC" },
                default);
            Assert.All(left, e => Assert.Equal(BigInteger.Zero, e.RawAmount));
        }

        [Fact]
        public async Task NothingToWithdrawIsRefused()
        {
            using HostKey key = Account(7);

            var ex = await RefusedAsync(key, () => EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "Native", "USDC" }, null, false, new CollectingLog(), default));

            Assert.Equal(HostManagementErrors.NoEarnings, ex.ErrorId);
        }

        [Fact]
        public async Task MoreThanTheBalanceAndNonPositiveAmountsAreRefused()
        {
            using HostKey key = Account(8);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, _chain.Info.UsdcToken,
                1_000_000);

            var more = await RefusedAsync(key, () => EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "USDC" }, 1.000001m, false, new CollectingLog(), default));
            var zero = await RefusedAsync(key, () => EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "USDC" }, 0m, false, new CollectingLog(), default));

            Assert.Equal(HostManagementErrors.InsufficientEarnings, more.ErrorId);
            Assert.Contains("1 USDC", more.Message);
            Assert.Equal(HostManagementErrors.WithdrawAmountNotPositive, zero.ErrorId);
        }

        [Fact]
        public async Task AnAmountWithOtherThanOneTokenIsRefusedBeforeTheChainIsRead()
        {
            ChainProfile local = _chain.Profile();
            var offline = new FabstirChain(new ChainProfile(
                "Custom", local.ChainId, $"http://127.0.0.1:{FreePort.Tcp()}", local.NodeRegistry,
                local.ModelRegistry, local.HostEarnings, local.JobMarketplace, local.ProofSystem,
                local.FabToken, local.UsdcToken));

            var ex = await Assert.ThrowsAsync<FabstirHost.Core.FabstirException>(() =>
                EarningsPlanner.PlanWithdrawAsync(offline, _chain.HostAddress, new[] { "Native", "USDC" },
                    1m, false, new CollectingLog(), default));

            Assert.Equal(HostManagementErrors.AmountNeedsOneToken, ex.ErrorId);
            Assert.Contains("-Amount 1 needs exactly one -Token, but 2 were: Native, USDC", ex.Message);
        }

        [Fact]
        public async Task GasCostingMoreThanTheEthWithdrawnIsRefusedUnlessForced()
        {
            using HostKey key = Account(9);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, Addresses.Zero, 1000);
            var log = new CollectingLog();

            var ex = await RefusedAsync(key, () => EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "Native" }, null, false, log, default));
            var forced = await EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "Native" }, null, true, log, default);
            var withdrawal = await forced.ExecuteAsync(key, default);

            Assert.Equal(HostManagementErrors.WithdrawalCostsMoreThanAmount, ex.ErrorId);
            Assert.Contains("more than the ETH it brings", ex.Message);
            Assert.Contains("(-Force)", log.All);
            Assert.Equal("withdrawAll", withdrawal.Transaction.Function);
            Assert.Equal(new BigInteger(1000), withdrawal.Withdrawn[0].RawAmount);
        }

        [Fact]
        public async Task TokensWithdrawnWithTooLittleEthAreNotRefusedForTheGas()
        {
            var ecKey = Nethereum.Signer.EthECKey.GenerateKey();
            using HostKey key = LocalChain.Key(ecKey.GetPrivateKey());
            var web3 = FabstirHost.TestChain.TestChainDeployer.CreateWeb3(_chain.DeployerKey, _chain.RpcUrl);
            await web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(key.Address, 1m);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, Addresses.Zero, 1000);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, _chain.Info.UsdcToken,
                2_000_000);

            var plan = await EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "Native", "USDC" }, null, false, new CollectingLog(), default);
            var withdrawal = await plan.ExecuteAsync(key, default);

            Assert.Contains("but 2 USDC is withdrawn as well", plan.Plan.Describe());
            Assert.Equal("withdrawMultiple", withdrawal.Transaction.Function);
            Assert.Equal(new BigInteger[] { 1000, 2_000_000 }, withdrawal.Withdrawn.Select(w => w.RawAmount));
        }

        [Fact]
        public async Task APlanIsNotStartedWithoutTheEthForItsGas()
        {
            var ecKey = Nethereum.Signer.EthECKey.GenerateKey();
            using HostKey key = LocalChain.Key(ecKey.GetPrivateKey());
            var web3 = FabstirHost.TestChain.TestChainDeployer.CreateWeb3(_chain.DeployerKey, _chain.RpcUrl);
            await web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(key.Address,
                0.000000001m);
            await _chain.Deployer.CreditEarningsAsync(_chain.Info, key.Address, _chain.Info.UsdcToken,
                2_000_000);
            var plan = await EarningsPlanner.PlanWithdrawAsync(
                Chain(), key.Address, new[] { "USDC" }, null, false, new CollectingLog(), default);

            var ex = await RefusedAsync(key, () => plan.ExecuteAsync(key, default));

            Assert.Equal(ChainErrors.InsufficientGasFunds, ex.ErrorId);
            Assert.Contains("Withdraw earnings", ex.Message);
        }

        [Fact]
        public async Task OnlyAnAuthorisedCallerCanCreditEarnings()
        {
            using HostKey host = Account(4);
            var web3 = FabstirHost.TestChain.TestChainDeployer.CreateWeb3(
                FabstirHost.TestChain.DevAccounts.BystanderKey, _chain.RpcUrl);
            string abi = File.ReadAllText(
                Path.Combine(TestAssets.Contracts, "TestHostEarnings_sol_TestHostEarnings.abi"));
            var credit = web3.Eth.GetContract(abi, _chain.Info.HostEarnings).GetFunction("creditEarnings");
            BigInteger before = (await EarningsPlanner.GetAsync(Chain(), host.Address, new[] { "USDC" },
                default))[0].RawAmount;

            var byCall = await Assert.ThrowsAnyAsync<Exception>(() => credit.CallAsync<bool>(
                FabstirHost.TestChain.DevAccounts.BystanderAddress, new HexBigInteger(100_000),
                new HexBigInteger(0),
                host.Address, new BigInteger(1), _chain.Info.UsdcToken));
            var byEth = await Assert.ThrowsAnyAsync<Exception>(() => web3.Eth.GetEtherTransferService()
                .TransferEtherAndWaitForReceiptAsync(_chain.Info.HostEarnings, 0.001m));

            Assert.Contains("Not authorized to credit earnings", byCall.Message);
            Assert.Contains("Not authorized to credit earnings", byEth.Message);
            var after = await EarningsPlanner.GetAsync(Chain(), host.Address, new[] { "USDC" }, default);
            Assert.Equal(before, after[0].RawAmount);
        }

        private FabstirChain Chain() => new(_chain.Profile());

        // Anvil's dev accounts 4 to 9 (standard test mnemonic), funded with ETH, used by no other test.
        private static HostKey Account(int index)
        {
            string[] keys =
            {
                "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
                "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
                "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
                "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
                "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
                "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
            };
            return LocalChain.Key(keys[index - 4]);
        }

        private async Task<FabstirHost.Core.FabstirException> RefusedAsync(HostKey key, Func<Task> plan)
        {
            var chain = Chain();
            async Task<BigInteger> Nonce() => new HexBigInteger(await chain.RequestAsync<string>(
                "eth_getTransactionCount", CancellationToken.None, key.Address, "latest")).Value;
            BigInteger before = await Nonce();
            var ex = await Assert.ThrowsAnyAsync<FabstirHost.Core.FabstirException>(plan);
            Assert.Equal(before, await Nonce());
            return ex;
        }
    }
}
