using System.Globalization;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>Plans adding stake and unregistering (which returns the whole stake).</summary>
    public static class StakePlanner
    {
        /// <summary>
        /// approve (only when the allowance is short) and stake. Checks registration, a positive
        /// amount and the FAB balance before anything is sent.
        /// </summary>
        public static async Task<HostTransactionPlan> PlanAddAsync(
            HostContext host,
            decimal amount,
            CancellationToken cancellationToken)
        {
            if (amount <= 0)
            {
                throw new FabstirException(
                    HostManagementErrors.StakeAmountNotPositive,
                    FabstirErrorCategory.InvalidArgument,
                    $"The stake to add must be more than 0 FAB (got {Fab(amount)}); the registry refuses " +
                    "a zero amount. Nothing was sent.",
                    amount);
            }

            BigInteger raw = TokenAmount.ToRaw(amount, TokenAmount.FabDecimals, "The stake to add");
            FabstirNodeRecord record = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            string fab = host.Chain.Profile.FabToken;
            BigInteger balance = await FabstirWallet.TokenBalanceAsync(
                host.Chain, "FAB token", fab, host.Address, cancellationToken).ConfigureAwait(false);
            if (balance < raw)
            {
                throw new FabstirException(
                    HostManagementErrors.InsufficientFab,
                    FabstirErrorCategory.LimitsExceeded,
                    $"{host.Address} holds " +
                    $"{Fab(TokenAmount.ToDecimal(balance, TokenAmount.FabDecimals))} FAB, " +
                    $"less than the {Fab(amount)} FAB to stake. Nothing was sent.",
                    host.Address);
            }

            var allowance = await host.Chain.CallAsync<AllowanceFunction, UintOutput>(
                "FAB token",
                fab,
                new AllowanceFunction { Owner = host.Address, Spender = host.Registry.Address },
                cancellationToken).ConfigureAwait(false);
            var plan = new HostTransactionPlan("Add stake", host.Address);
            bool approve = allowance.Value < raw;
            if (approve)
            {
                plan.Add(HostTransactionStep.Create(host.Chain, "FAB token", fab,
                    new ApproveFunction { Spender = host.Registry.Address, Amount = raw },
                    $"approve(NodeRegistry, {Fab(amount)} FAB)"));
            }

            plan.Add(host.RegistryStep(new StakeFunction { Amount = raw },
                $"stake({Fab(amount)} FAB)", dependsOnEarlierStep: approve));
            plan.Note($"Stake goes from {Fab(record.Stake)} to {Fab(record.Stake + amount)} FAB; it comes " +
                "back only when the host unregisters.");
            await plan.EstimateAsync(cancellationToken).ConfigureAwait(false);
            return plan;
        }

        /// <summary>unregisterNode, with the stake that will come back; HostNotRegistered otherwise.</summary>
        public static async Task<(HostTransactionPlan Plan, FabstirNodeRecord Record)> PlanUnregisterAsync(
            HostContext host,
            CancellationToken cancellationToken)
        {
            FabstirNodeRecord record = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            var plan = new HostTransactionPlan("Unregister host", host.Address);
            plan.Add(host.RegistryStep(new UnregisterNodeFunction(), "unregisterNode()"));
            plan.Note($"The whole stake, {Fab(record.Stake)} FAB, returns to {host.Address}; the host's " +
                "record, URL, models and prices are deleted and clients stop being sent to it.");
            await plan.EstimateAsync(cancellationToken).ConfigureAwait(false);
            return (plan, record);
        }

        internal static string Fab(decimal amount) =>
            amount.ToString("0.##################", CultureInfo.InvariantCulture);
    }

    /// <summary>What Add-FabstirStake did.</summary>
    public sealed class FabstirStakeResult
    {
        internal FabstirStakeResult(string address, decimal added, decimal before, decimal after,
            System.Collections.Generic.IReadOnlyList<FabstirTransaction> transactions)
        {
            Address = address;
            Added = added;
            StakeBefore = before;
            StakeAfter = after;
            Transactions = transactions;
        }

        public string Address { get; }

        /// <summary>FAB added.</summary>
        public decimal Added { get; }

        public decimal StakeBefore { get; }

        public decimal StakeAfter { get; }

        public System.Collections.Generic.IReadOnlyList<FabstirTransaction> Transactions { get; }

        public override string ToString() => $"{Address}: stake {StakeBefore} -> {StakeAfter} FAB";

        public static async Task<FabstirStakeResult> ExecuteAsync(
            HostContext host,
            HostTransactionPlan plan,
            decimal amount,
            Config.HostKey key,
            CancellationToken cancellationToken)
        {
            FabstirNodeRecord before = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            var sent = await plan.ExecuteAsync(key, cancellationToken).ConfigureAwait(false);
            FabstirNodeRecord after = await host.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new FabstirStakeResult(host.Address, amount, before.Stake, after.Stake, sent);
        }
    }

    /// <summary>What Unregister-FabstirHost did: the stake returned and the transaction.</summary>
    public sealed class FabstirUnregistration
    {
        internal FabstirUnregistration(string address, BigInteger returned, FabstirTransaction transaction)
        {
            Address = address;
            ReturnedStakeRaw = returned;
            ReturnedStake = TokenAmount.ToDecimal(returned, TokenAmount.FabDecimals);
            Transaction = transaction;
        }

        public string Address { get; }

        /// <summary>FAB returned.</summary>
        public decimal ReturnedStake { get; }

        public BigInteger ReturnedStakeRaw { get; }

        public FabstirTransaction Transaction { get; }

        public string TransactionHash => Transaction.Hash;

        /// <summary>True when the node of this instance was stopped as well (-StopNode).</summary>
        public bool NodeStopped { get; set; }

        public override string ToString() => $"{Address} unregistered, {ReturnedStake} FAB returned";

        /// <summary>
        /// Sends the plan. The record is read again first: a slash since the plan was made changes
        /// the stake that comes back, or has already unregistered the host (HostNotRegistered).
        /// </summary>
        public static async Task<FabstirUnregistration> ExecuteAsync(
            HostContext host,
            HostTransactionPlan plan,
            Config.HostKey key,
            CancellationToken cancellationToken)
        {
            FabstirNodeRecord record = await host.RequireRegisteredAsync(cancellationToken)
                .ConfigureAwait(false);
            var sent = await plan.ExecuteAsync(key, cancellationToken).ConfigureAwait(false);
            return new FabstirUnregistration(host.Address, record.StakedAmount, sent[0]);
        }
    }
}
