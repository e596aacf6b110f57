using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Registration
{
    /// <summary>
    /// The RPC connection lost in the middle of a registration, through a real proxy in front of
    /// anvil: what was sent is reported as sent, with its hash, and a re-run resumes from the chain.
    /// </summary>
    public sealed class RegistrationConnectionLossTests : IClassFixture<LocalChain>
    {
        private readonly LocalChain _chain;

        public RegistrationConnectionLossTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData(RpcDrop.AfterNthSendAnswered)]
        [InlineData(RpcDrop.NthSendAnswerLost)]
        public async Task A_transaction_sent_before_the_connection_is_lost_is_reported_as_sent_with_its_hash(
            RpcDrop drop)
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            using var proxy = new DroppingRpcProxy(_chain.RpcUrl, drop, nth: 2);
            var throughProxy = new FabstirChain(WithRpc(box.Profile, proxy.Url), box.Log);
            BigInteger nonce = await box.NonceAsync();

            var failure = await Assert.ThrowsAsync<TransactionOutcomeUnknownException>(() =>
                box.Registrar(throughProxy).RegisterAsync(box.Request(), box.Key, CancellationToken.None));

            Assert.Equal("TransactionOutcomeUnknown", failure.ErrorId);
            Assert.Equal("registerNode", failure.Function);
            Assert.Matches("^0x[0-9a-f]{64}$", failure.Hash);
            Assert.Equal(failure.Hash, failure.Target);
            Assert.Contains(failure.Hash, failure.Message);
            Assert.Contains("outcome is unknown", failure.Message);
            Assert.DoesNotContain("Nothing was", failure.Message);
            Assert.Contains("Sent, outcome unknown: registerNode " + failure.Hash, failure.RecommendedAction);
            Assert.Contains("Mined before the failure: approve 0x", box.Log.All);
            Assert.Contains("Sent, outcome unknown: registerNode " + failure.Hash + " (step 2)", box.Log.All);
            Assert.True(proxy.Dropped > 0);

            // The hash named is the one the chain mined: it was known before the send.
            Assert.Equal(nonce + 2, await box.NonceAsync());
            Assert.True((await box.RecordAsync()).IsRegistered);
            var receipt = await new Nethereum.Web3.Web3(_chain.RpcUrl).Eth.Transactions
                .GetTransactionReceipt.SendRequestAsync(failure.Hash);
            Assert.Equal(BigInteger.One, receipt.Status.Value);

            FabstirHostRegistration resumed = await box.RegisterAsync(box.Request());

            Assert.Equal(
                new[] { "setModelTokenPricing", "setModelTokenPricing" },
                resumed.Transactions.Select(t => t.Function));
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(box.Request())).Status);
        }

        [Fact]
        public async Task A_connection_lost_after_reading_does_not_claim_nothing_was_read()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            using var proxy = new DroppingRpcProxy(_chain.RpcUrl, RpcDrop.WhenTold);
            var throughProxy = new FabstirChain(WithRpc(box.Profile, proxy.Url), box.Log);
            HostRegistrar registrar = box.Registrar(throughProxy);
            registrar.BeforeEachTransaction = (_, _) =>
            {
                proxy.GoDown();
                return Task.CompletedTask;
            };

            var failure = await Assert.ThrowsAnyAsync<FabstirException>(() =>
                registrar.RegisterAsync(box.Request(), box.Key, CancellationToken.None));

            Assert.Equal("RpcUnreachable", failure.ErrorId);
            Assert.Contains("stopped answering", failure.Message);
            Assert.Contains("Nothing was sent", failure.Message);
            Assert.DoesNotContain("Nothing was read", failure.Message);
            Assert.Equal(0, proxy.ForwardedSends);
        }

        [Fact]
        public async Task A_chain_failure_stops_the_node_this_command_started_and_says_so()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            using var proxy = new DroppingRpcProxy(_chain.RpcUrl, RpcDrop.WhenTold);
            HostRegistrar registrar = box.Registrar(new FabstirChain(WithRpc(box.Profile, proxy.Url), box.Log));
            registrar.BeforeEachTransaction = (_, _) =>
            {
                proxy.GoDown();
                return Task.CompletedTask;
            };
            RegistrationRequest request = box.Request();
            request.NoStart = false;

            var failure = await Assert.ThrowsAnyAsync<FabstirException>(() =>
                registrar.RegisterAsync(request, box.Key, CancellationToken.None));

            Assert.Equal("RpcUnreachable", failure.ErrorId);
            Assert.Contains("The node this command started was stopped", failure.RecommendedAction);
            Assert.Equal(NodeStateStatus.Stopped, box.NodeState!.Status);
            await box.AssertNothingRunningAsync();
            Assert.False(File.Exists(box.Paths.ConfigFile), "config.json was written although nothing was sent");
        }

        [Fact]
        public async Task A_chain_failure_leaves_a_node_that_was_already_running_alone()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.NoStart = false;
            FabstirHostRegistration first = await box.RegisterAsync(request);
            int nodePid = first.Node!.ProcessId!.Value;
            using var proxy = new DroppingRpcProxy(_chain.RpcUrl, RpcDrop.WhenTold);
            HostRegistrar registrar = box.Registrar(new FabstirChain(WithRpc(box.Profile, proxy.Url), box.Log));
            registrar.BeforeEachTransaction = (_, _) =>
            {
                proxy.GoDown();
                return Task.CompletedTask;
            };
            request.StablePrice = PriceSetting.FromHuman(7.5m, PriceUnit.UsdcPerMillionTokens);

            var failure = await Assert.ThrowsAnyAsync<FabstirException>(() =>
                registrar.RegisterAsync(request, box.Key, CancellationToken.None));

            Assert.Equal("RpcUnreachable", failure.ErrorId);
            Assert.DoesNotContain("was stopped", failure.RecommendedAction ?? string.Empty);
            FabstirNode node = await new NodeController(box.Paths).GetAsync(CancellationToken.None);
            Assert.Equal(NodeStatus.Ready, node.Status);
            Assert.Equal(nodePid, node.ProcessId);
        }

        internal static ChainProfile WithRpc(ChainProfile profile, string rpcUrl)
        {
            return new ChainProfile(
                "Custom",
                profile.ChainId,
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
