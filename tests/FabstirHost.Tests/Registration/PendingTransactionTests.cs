using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Tests.Infrastructure;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Xunit;

namespace FabstirHost.Tests.Registration
{
    /// <summary>
    /// Transactions that stay pending, on an anvil of this class's own with automine turned off
    /// while a test needs it: what a timed-out run reports, and what a re-run does meanwhile.
    /// </summary>
    public sealed class PendingTransactionTests : IClassFixture<LocalChain>
    {
        private readonly LocalChain _chain;

        public PendingTransactionTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Fact]
        public async Task A_rerun_while_a_transaction_of_the_host_is_pending_sends_nothing_and_says_so()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = ShortReceiptWait(box.Request());
            await SetAutomineAsync(false);
            try
            {
                var timedOut = await Assert.ThrowsAnyAsync<FabstirException>(() => box.RegisterAsync(request));
                Assert.Equal("TransactionReceiptTimeout", timedOut.ErrorId);

                // approve pending at nonce 0: a re-run must not send a second one at nonce 1.
                var refused = await Assert.ThrowsAnyAsync<FabstirException>(() => box.RegisterAsync(request));
                AssertPending(refused, box.Key.Address, count: 1);
                Assert.Equal(1, await PendingCountAsync(box.Key.Address));

                // The same refusal reaches every host-management command, before it plans.
                var host = new HostContext(box.Chain, box.Key.Address);
                AssertPending(
                    await Assert.ThrowsAnyAsync<FabstirException>(() =>
                        host.RequireNothingPendingAsync(CancellationToken.None)),
                    box.Key.Address,
                    count: 1);

                // approve mined, registerNode pending: a re-run is refused, not told "Already registered".
                await MineAsync();
                timedOut = await Assert.ThrowsAnyAsync<FabstirException>(() => box.RegisterAsync(request));
                Assert.Equal("TransactionReceiptTimeout", timedOut.ErrorId);
                Assert.False((await box.RecordAsync()).IsRegistered);
                refused = await Assert.ThrowsAnyAsync<FabstirException>(() => box.RegisterAsync(request));
                AssertPending(refused, box.Key.Address, count: 1);
            }
            finally
            {
                await SetAutomineAsync(true);
                await MineAsync();
            }

            FabstirHostRegistration finished = await box.RegisterAsync(box.Request());

            Assert.True((await box.RecordAsync()).IsRegistered);
            Assert.DoesNotContain(finished.Transactions, t => t.Function == "approve" || t.Function == "registerNode");
            Assert.Equal(2 + finished.Transactions.Count, (int)await box.NonceAsync());
        }

        [Fact]
        public async Task A_receipt_timeout_counts_the_step_sent_but_not_mined_apart_from_those_not_sent()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            HostRegistrar registrar = box.Registrar();
            await SetAutomineAsync(false);
            try
            {
                // A fresh registration: approve is sent and waits; the rest is not sent.
                RegistrationPlan fresh = await registrar.PlanAsync(
                    ShortReceiptWait(box.Request()), box.Key, CancellationToken.None);
                int total = fresh.Transactions.Count;
                var timedOut = await Assert.ThrowsAsync<TransactionReceiptTimeoutException>(() =>
                    registrar.RegisterAsync(fresh, box.Key, CancellationToken.None));
                Assert.Equal("approve", timedOut.Function);
                Assert.Equal(timedOut.Hash, timedOut.Target);
                Assert.Contains(
                    $"No transaction of this run was mined. Sent, not mined: approve {timedOut.Hash} (step 1). " +
                    $"{total - 1} step(s) were not sent. Once it is mined, run the same command again",
                    timedOut.RecommendedAction);
                Assert.Contains($"stopped at step 1 of {total}", box.Log.All);

                // The resumed run: registerNode is sent and waits.
                await MineAsync();
                RegistrationPlan resumed = await registrar.PlanAsync(
                    ShortReceiptWait(box.Request()), box.Key, CancellationToken.None);
                timedOut = await Assert.ThrowsAsync<TransactionReceiptTimeoutException>(() =>
                    registrar.RegisterAsync(resumed, box.Key, CancellationToken.None));
                Assert.Equal("registerNode", timedOut.Function);
                Assert.Contains(
                    $"Sent, not mined: registerNode {timedOut.Hash} (step 1). " +
                    $"{resumed.Transactions.Count - 1} step(s) were not sent.",
                    timedOut.RecommendedAction);

                await MineAsync();
                await SetAutomineAsync(true);
                await box.RegisterAsync(box.Request());
                await SetAutomineAsync(false);

                // An update of a registered host: the same accounting.
                var host = new HostContext(box.Chain, box.Key.Address);
                HostTransactionPlan update = await HostUpdater.PlanAsync(
                    host,
                    new HostUpdateRequest { Metadata = new System.Collections.Hashtable { ["hardware"] = "test gpu" } },
                    box.Log,
                    CancellationToken.None);
                update.Transactions = new TransactionOptions { ReceiptTimeout = TimeSpan.FromSeconds(1) };
                timedOut = await Assert.ThrowsAsync<TransactionReceiptTimeoutException>(() =>
                    update.ExecuteAsync(box.Key, CancellationToken.None));
                Assert.Equal("updateMetadata", timedOut.Function);
                Assert.Contains(
                    $"'Update host' stopped at step 1 of 1. No transaction of this run was mined. Sent, not " +
                    $"mined: updateMetadata {timedOut.Hash} (step 1). 0 step(s) were not sent.",
                    timedOut.RecommendedAction);
            }
            finally
            {
                await SetAutomineAsync(true);
                await MineAsync();
            }
        }

        private static void AssertPending(FabstirException refused, string address, int count)
        {
            Assert.Equal("TransactionsPending", refused.ErrorId);
            Assert.Equal(FabstirErrorCategory.ResourceUnavailable, refused.Category);
            Assert.Equal(address, refused.Target);
            Assert.Contains($"{count} transaction(s) from {address} are pending", refused.Message);
            Assert.Contains("Nothing was sent", refused.Message);
            Assert.Contains("Wait for them to be mined and run the same command again", refused.Message);
        }

        private static RegistrationRequest ShortReceiptWait(RegistrationRequest request)
        {
            request.Transactions = new TransactionOptions { ReceiptTimeout = TimeSpan.FromSeconds(1) };
            return request;
        }

        private async Task<int> PendingCountAsync(string address)
        {
            var web3 = new Nethereum.Web3.Web3(_chain.RpcUrl);
            var pending = await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(
                address, Nethereum.RPC.Eth.DTOs.BlockParameter.CreatePending());
            var latest = await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(
                address, Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
            return (int)(pending.Value - latest.Value);
        }

        private Task SetAutomineAsync(bool on) => RpcAsync("evm_setAutomine", on);

        private Task MineAsync() => RpcAsync("evm_mine");

        private async Task RpcAsync(string method, params object[] arguments)
        {
            var web3 = new Nethereum.Web3.Web3(_chain.RpcUrl);
            await web3.Client.SendRequestAsync(new RpcRequest(1, method, arguments));
        }
    }
}
