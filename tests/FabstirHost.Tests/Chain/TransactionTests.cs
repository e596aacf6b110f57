using System.Diagnostics;
using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Config;
using FabstirHost.Core.Models;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Nethereum.Hex.HexTypes;
using Xunit;
using Xunit.Abstractions;

namespace FabstirHost.Tests.Chain
{
    /// <summary>
    /// Sending transactions to the test doubles on anvil: success, each kind of revert, fees, receipts.
    /// </summary>
    public sealed class TransactionTests : IClassFixture<LocalChain>
    {
        private static readonly BigInteger Stake = BigInteger.Parse("1000000000000000000000");

        private readonly LocalChain _chain;
        private readonly ITestOutputHelper _output;

        public TransactionTests(LocalChain chain, ITestOutputHelper output)
        {
            _chain = chain;
            _output = output;
        }

        [Fact]
        public async Task ASuccessfulTransactionReportsHashGasFeesAndBlock()
        {
            string registry = await _chain.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            var chain = new FabstirChain(_chain.Profile(registry));
            using HostKey key = LocalChain.Key(_chain.HostKey);
            long before = await chain.GetBlockNumberAsync(CancellationToken.None);

            FabstirTransaction tx = await chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                new ApproveFunction { Spender = registry, Amount = Stake }, null, CancellationToken.None);

            Assert.Matches("^0x[0-9a-f]{64}$", tx.Hash);
            Assert.Equal("approve", tx.Function);
            Assert.Equal("FAB token", tx.Contract);
            Assert.Equal(before + 1, tx.BlockNumber);
            Assert.InRange(tx.GasUsed, new BigInteger(21_000), new BigInteger(100_000));
            Assert.True(tx.EffectiveGasPrice > 0);
            Assert.Equal(tx.GasUsed * tx.EffectiveGasPrice, tx.CostWei);
            Assert.True(tx.CostEth > 0m);
            Assert.Equal(Stake, await AllowanceAsync(chain, _chain.HostAddress, registry));
        }

        [Fact]
        public async Task RevertAtEstimateDecodesErrorStringAndSendsNothing()
        {
            string registry = await _chain.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            var chain = new FabstirChain(_chain.Profile(registry));
            using HostKey key = LocalChain.Key(_chain.HostKey);
            BigInteger nonce = await NonceAsync(chain, key.Address);

            var ex = await Assert.ThrowsAsync<ContractRevertedException>(
                () => SendAsync(chain, key, "NodeRegistry", registry, Register(metadata: "")));

            Assert.Equal("ContractReverted", ex.ErrorId);
            Assert.Equal("Empty metadata", ex.Reason);
            Assert.Equal("registerNode", ex.Function);
            Assert.Equal("NodeRegistry.registerNode reverted: Empty metadata", ex.Message);
            Assert.Equal(registry, ex.Target);
            Assert.Equal(nonce, await NonceAsync(chain, key.Address));
        }

        [Fact]
        public async Task RevertInsideTheTokenDecodesTheCustomError()
        {
            string registry = await _chain.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            var chain = new FabstirChain(_chain.Profile(registry));
            using HostKey key = LocalChain.Key(_chain.HostKey);

            var ex = await Assert.ThrowsAsync<ContractRevertedException>(
                () => SendAsync(chain, key, "NodeRegistry", registry, Register()));

            string checksummed = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(registry);
            Assert.Equal(
                $"ERC20InsufficientAllowance(spender={checksummed}, allowance=0, needed={Stake})", ex.Reason);
            Assert.StartsWith("NodeRegistry.registerNode reverted: ERC20InsufficientAllowance(", ex.Message);
        }

        [Fact]
        public async Task EmptyRevertDataMeansTheFunctionIsMissing()
        {
            var chain = new FabstirChain(_chain.Profile(_chain.Info.LegacyNodeRegistry));
            using HostKey key = LocalChain.Key(_chain.HostKey);
            var phase18Only = new SetModelTokenPricingFunction
            {
                ModelId = ModelSpec.Parse(_chain.Info.ApprovedModels[0]).IdBytes,
                Token = Addresses.Zero,
                Price = 3_000_000,
            };

            var ex = await Assert.ThrowsAsync<ContractRevertedException>(
                () => SendAsync(chain, key, "NodeRegistry", _chain.Info.LegacyNodeRegistry, phase18Only));

            Assert.Null(ex.Reason);
            Assert.Equal("0x", ex.RevertData);
            Assert.Contains("the deployed contract has no function setModelTokenPricing", ex.Message);
        }

        [Fact]
        public async Task RevertInTheReceiptIsReplayedForItsReason()
        {
            string registry = await _chain.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            var chain = new FabstirChain(_chain.Profile(registry));
            using HostKey key = LocalChain.Key(DevAccounts.BystanderKey);
            BigInteger nonce = await NonceAsync(chain, key.Address);

            // A fixed gas limit skips the estimate, so the revert happens on chain.
            var ex = await Assert.ThrowsAsync<ContractRevertedException>(
                () => SendAsync(
                    chain,
                    key,
                    "NodeRegistry",
                    registry,
                    new UpdateApiUrlFunction { NewApiUrl = "https://host.example:8443" },
                    new TransactionOptions { GasLimit = 200_000 }));

            Assert.Equal("Not registered", ex.Reason);
            Assert.Equal("NodeRegistry.updateApiUrl reverted: Not registered", ex.Message);
            Assert.Contains("was mined in block", ex.RecommendedAction);
            Assert.Equal(nonce + 1, await NonceAsync(chain, key.Address));
        }

        [Fact]
        public async Task Phase18RegistrationAndPricingThenSlashedOutOfTheRegistry()
        {
            string registry = await _chain.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            var chain = new FabstirChain(_chain.Profile(registry));
            var nodes = new NodeRegistry(chain);
            using HostKey key = LocalChain.Key(_chain.HostKey);
            var model = ModelSpec.Parse(_chain.Info.ApprovedModels[1]);

            await chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                new ApproveFunction { Spender = registry, Amount = Stake }, null, CancellationToken.None);
            await chain.SendAsync(key, "NodeRegistry", registry, Register(), null, CancellationToken.None);
            await chain.SendAsync(key, "NodeRegistry", registry, new SetModelTokenPricingFunction
            {
                ModelId = model.IdBytes,
                Token = _chain.Info.UsdcToken,
                Price = PriceUnits.ToRaw(5m, PriceUnit.UsdcPerMillionTokens),
            }, null, CancellationToken.None);

            var node = await nodes.GetNodeAsync(key.Address, CancellationToken.None);
            Assert.True(node.IsRegistered);
            Assert.True(node.Active);
            Assert.Equal(1000m, node.Stake);
            Assert.Equal("https://host.example:8443", node.ApiUrl);
            Assert.Equal(2, node.ModelIds.Count);
            var price = await chain.CallAsync<GetModelPricingFunction, UintOutput>("NodeRegistry", registry,
                new GetModelPricingFunction
                {
                    Operator = key.Address,
                    ModelId = model.IdBytes,
                    Token = _chain.Info.UsdcToken,
                },
                CancellationToken.None);
            Assert.Equal(new BigInteger(5000), price.Value);

            await _chain.Deployer.SendAsync("TestNodeRegistryPhase18", registry, "slash", key.Address,
                BigInteger.Parse("950000000000000000000"));

            var after = await nodes.GetNodeAsync(key.Address, CancellationToken.None);
            Assert.False(after.IsRegistered);
        }

        [Fact]
        public async Task LegacyRegistrationUsesTheNodeWidePriceSetters()
        {
            string registry = await _chain.DeployNodeRegistryAsync(RegistryGeneration.Legacy);
            var chain = new FabstirChain(_chain.Profile(registry));
            using HostKey key = LocalChain.Key(DevAccounts.SecondHostKey);
            await _chain.Deployer.SendAsync(
                "TestTokens/TestErc20", _chain.Info.FabToken, "mint", key.Address, Stake);

            await chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                new ApproveFunction { Spender = registry, Amount = Stake }, null, CancellationToken.None);
            await chain.SendAsync(key, "NodeRegistry", registry, Register(), null, CancellationToken.None);
            await chain.SendAsync(key, "NodeRegistry", registry,
                new UpdatePricingNativeFunction { NewMinPrice = 4_000_000 }, null, CancellationToken.None);
            var tooLow = await Assert.ThrowsAsync<ContractRevertedException>(
                () => SendAsync(
                    chain,
                    key,
                    "NodeRegistry",
                    registry,
                    new UpdatePricingStableFunction { NewMinPrice = 0 }));

            var node = await new NodeRegistry(chain).GetNodeAsync(key.Address, CancellationToken.None);
            Assert.Equal(new BigInteger(4_000_000), node.MinPricePerTokenNative);
            Assert.Equal("Price below minimum", tooLow.Reason);
        }

        [Fact]
        public async Task AKeyWithoutEthIsStoppedBeforeSigning()
        {
            var chain = new FabstirChain(_chain.Profile());
            using HostKey empty = HostKeyStore.Generate();

            var ex = await Assert.ThrowsAsync<FabstirException>(
                () => SendAsync(
                    chain, empty, "FAB token", _chain.Info.FabToken, Approve(_chain.Info.NodeRegistry, 1)));

            Assert.Equal("InsufficientGasFunds", ex.ErrorId);
            Assert.Equal(empty.Address, ex.Target);
            Assert.Contains("holds 0 ETH", ex.Message);
        }

        [Fact]
        public async Task ConfirmationsWaitForLaterBlocks()
        {
            var chain = new FabstirChain(_chain.Profile());
            using HostKey key = LocalChain.Key(_chain.HostKey);
            long start = await chain.GetBlockNumberAsync(CancellationToken.None);

            Task<FabstirTransaction> sending = chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                new ApproveFunction { Spender = _chain.Info.NodeRegistry, Amount = 7 },
                new TransactionOptions { Confirmations = 2, ReceiptTimeout = TimeSpan.FromSeconds(30) },
                CancellationToken.None);
            await Eventually.Assert(
                () => chain.GetBlockNumberAsync(CancellationToken.None).GetAwaiter().GetResult() > start,
                TimeSpan.FromSeconds(10),
                "the approval was mined");
            await Task.Delay(200); // give the waiter a few polls to prove it does not finish on one block
            Assert.False(sending.IsCompleted, "the send finished with only one confirmation");

            await chain.RequestAsync<string>("evm_mine", CancellationToken.None);
            FabstirTransaction tx = await sending.WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(start + 1, tx.BlockNumber);
        }

        [Fact]
        public async Task MissingConfirmationsTimeOutNamingTheHash()
        {
            var chain = new FabstirChain(_chain.Profile());
            using HostKey key = LocalChain.Key(_chain.HostKey);

            var ex = await Assert.ThrowsAsync<TransactionReceiptTimeoutException>(
                () => SendAsync(
                    chain,
                    key,
                    "FAB token",
                    _chain.Info.FabToken,
                    Approve(_chain.Info.NodeRegistry, 9),
                    new TransactionOptions
                    {
                        Confirmations = 5,
                        ReceiptTimeout = TimeSpan.FromMilliseconds(300),
                    }));

            Assert.Equal("TransactionReceiptTimeout", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.OperationTimeout, ex.Category);
            Assert.Matches("^0x[0-9a-f]{64}$", (string)ex.Target!);
            Assert.Contains("confirmed 5 times", ex.Message);
            Assert.True(ex.Mined);
            Assert.Equal("approve", ex.Function);
            Assert.Equal(ex.Hash, ex.Target);
        }

        [Fact]
        public async Task CancellingTheWaitWarnsThatTheTransactionWasSent()
        {
            var log = new CollectingLog();
            var chain = new FabstirChain(_chain.Profile(), log);
            using HostKey key = LocalChain.Key(_chain.HostKey);
            using var cancel = new CancellationTokenSource();
            long start = await chain.GetBlockNumberAsync(CancellationToken.None);

            Task<FabstirTransaction> sending = chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                new ApproveFunction { Spender = _chain.Info.NodeRegistry, Amount = 11 },
                new TransactionOptions { Confirmations = 3 }, cancel.Token);
            await Eventually.Assert(
                () => chain.GetBlockNumberAsync(CancellationToken.None).GetAwaiter().GetResult() > start,
                TimeSpan.FromSeconds(10),
                "the approval was mined");
            cancel.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
            Assert.Contains("it was sent and may still be mined", log.All);
        }

        [Fact]
        public async Task ReceiptsOnAnInstantChainArriveWithinTheFirstPolls()
        {
            var chain = new FabstirChain(_chain.Profile());
            using HostKey key = LocalChain.Key(_chain.HostKey);
            var elapsed = new List<double>();
            var whole = new List<double>();

            for (int i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                FabstirTransaction tx = await chain.SendAsync(key, "FAB token", _chain.Info.FabToken,
                    Approve(_chain.Info.HostEarnings, i + 1), null, CancellationToken.None);
                whole.Add(watch.Elapsed.TotalMilliseconds);
                elapsed.Add(tx.Elapsed.TotalMilliseconds);
            }

            elapsed.Sort();
            whole.Sort();
            _output.WriteLine(
                $"send-to-receipt on anvil: median {elapsed[2]:0.0} ms, max {elapsed[^1]:0.0} ms");
            _output.WriteLine($"whole transaction (estimate, fees, nonce, balance, sign, send, receipt): " +
                $"median {whole[2]:0.0} ms, max {whole[^1]:0.0} ms");
            Assert.True(
                elapsed[^1] < 500,
                $"a receipt took {elapsed[^1]:0} ms: polling is too slow for an instant chain");
        }

        private RegisterNodeFunction Register(string metadata = "{\"hardware\":\"test\"}")
        {
            return new RegisterNodeFunction
            {
                Metadata = metadata,
                ApiUrl = "https://host.example:8443",
                ModelIds = _chain.Info.ApprovedModels.Select(m => ModelSpec.Parse(m).IdBytes).ToList(),
                MinPricePerTokenNative = 3_000_000,
                MinPricePerTokenStable = 5000,
            };
        }

        private static Task<FabstirTransaction> SendAsync<TFunction>(
            FabstirChain chain,
            HostKey key,
            string contract,
            string address,
            TFunction function,
            TransactionOptions? options = null)
            where TFunction : Nethereum.Contracts.FunctionMessage, new()
        {
            return chain.SendAsync(key, contract, address, function, options, CancellationToken.None);
        }

        private static ApproveFunction Approve(string spender, BigInteger amount)
        {
            return new ApproveFunction { Spender = spender, Amount = amount };
        }

        private static async Task<BigInteger> NonceAsync(FabstirChain chain, string address)
        {
            string hex = await chain.RequestAsync<string>(
                "eth_getTransactionCount", CancellationToken.None, address, "latest");
            return new HexBigInteger(hex).Value;
        }

        private async Task<BigInteger> AllowanceAsync(FabstirChain chain, string owner, string spender)
        {
            var output = await chain.CallAsync<AllowanceFunction, UintOutput>(
                "FAB token",
                _chain.Info.FabToken,
                new AllowanceFunction { Owner = owner, Spender = spender },
                CancellationToken.None);
            return output.Value;
        }
    }
}
