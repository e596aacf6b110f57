using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Nethereum.Contracts;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// One transaction a host-management command intends to send: what it calls, in words, and
    /// its gas estimate (null when it can only be estimated once an earlier step is mined).
    /// </summary>
    public sealed class HostTransactionStep
    {
        private readonly Func<string, CancellationToken, Task<FabstirTransactionPlan>> _plan;
        private readonly Func<HostKey, TransactionOptions, CancellationToken, Task<FabstirTransaction>> _send;

        private HostTransactionStep(
            FabstirChain chain,
            string contract,
            string function,
            string description,
            bool dependsOnEarlierStep,
            Func<string, CancellationToken, Task<FabstirTransactionPlan>> plan,
            Func<HostKey, TransactionOptions, CancellationToken, Task<FabstirTransaction>> send)
        {
            Chain = chain;
            Contract = contract;
            Function = function;
            Description = description;
            DependsOnEarlierStep = dependsOnEarlierStep;
            _plan = plan;
            _send = send;
        }

        public string Contract { get; }

        public string Function { get; }

        internal FabstirChain Chain { get; }

        /// <summary>The call with its arguments in human units, e.g. <c>stake(500 FAB)</c>.</summary>
        public string Description { get; }

        /// <summary>True when the contract would refuse this step until an earlier one is mined.</summary>
        public bool DependsOnEarlierStep { get; }

        /// <summary>The gas estimate and fees; null when it depends on an earlier step.</summary>
        public FabstirTransactionPlan? Estimate { get; private set; }

        public override string ToString()
        {
            string cost = Estimate == null
                ? "gas estimated after the previous step is mined"
                : string.Format(
                    CultureInfo.InvariantCulture,
                    "gas ≈ {0:N0}, at most {1} ETH",
                    (decimal)Estimate.GasEstimate,
                    Estimate.MaxCostEth);
            return $"{Contract}.{Description} ({cost})";
        }

        internal static HostTransactionStep Create<TFunction>(
            FabstirChain chain,
            string contract,
            string address,
            TFunction function,
            string description,
            bool dependsOnEarlierStep = false)
            where TFunction : FunctionMessage, new()
        {
            return new HostTransactionStep(
                chain,
                contract,
                FabstirChain.FunctionName<TFunction>(),
                description,
                dependsOnEarlierStep,
                (from, token) => chain.PlanAsync(contract, address, function, from, null, token),
                (key, options, token) => chain.SendAsync(key, contract, address, function, options, token));
        }

        /// <summary>
        /// Estimates the step. A revert here means the contract would refuse the call: it fails
        /// before anything is sent, unless the step waits for an earlier one.
        /// </summary>
        internal async Task EstimateAsync(string from, CancellationToken cancellationToken)
        {
            try
            {
                Estimate = await _plan(from, cancellationToken).ConfigureAwait(false);
            }
            catch (ContractRevertedException) when (DependsOnEarlierStep)
            {
                Estimate = null;
            }
        }

        internal Task<FabstirTransaction> SendAsync(
            HostKey key,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            return _send(key, options, cancellationToken);
        }
    }

    /// <summary>
    /// What a host-management command will do: every precondition was checked when it was made,
    /// each transaction estimated. Shown under -WhatIf; executed in order otherwise.
    /// </summary>
    public sealed class HostTransactionPlan
    {
        private readonly List<HostTransactionStep> _steps = new List<HostTransactionStep>();
        private readonly List<string> _notes = new List<string>();

        internal HostTransactionPlan(string operation, string address)
        {
            Operation = operation;
            Address = address;
        }

        /// <summary>What the command does, e.g. "Set pricing".</summary>
        public string Operation { get; }

        /// <summary>The host address that signs every step.</summary>
        public string Address { get; }

        public IReadOnlyList<HostTransactionStep> Steps => _steps;

        /// <summary>Facts the user should see before agreeing (stake returned, prices cleared).</summary>
        public IReadOnlyList<string> Notes => _notes;

        /// <summary>How each step's receipt is awaited: confirmations and the deadline.</summary>
        public TransactionOptions Transactions { get; set; } = new TransactionOptions();

        /// <summary>True when the chain already holds what was asked: nothing will be sent.</summary>
        public bool IsEmpty => _steps.Count == 0;

        /// <summary>The sum of the steps' worst-case costs in ETH (estimated steps only).</summary>
        public decimal MaxCostEth => _steps.Where(s => s.Estimate != null).Sum(s => s.Estimate!.MaxCostEth);

        internal void Add(HostTransactionStep step) => _steps.Add(step);

        internal void Note(string note) => _notes.Add(note);

        internal async Task EstimateAsync(CancellationToken cancellationToken)
        {
            foreach (HostTransactionStep step in _steps)
            {
                await step.EstimateAsync(Address, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Checks the ETH for every step before the first is sent, so a plan never stops half-way
        /// for gas. A step estimated only after an earlier one is counted at the dearest estimate.
        /// </summary>
        private async Task EnsureGasFundsAsync(CancellationToken cancellationToken)
        {
            var estimated = _steps.Where(s => s.Estimate != null).Select(s => s.Estimate!).ToList();
            if (estimated.Count == 0)
            {
                return;
            }

            BigInteger dearest = estimated.Max(e => e.MaxCostWei);
            BigInteger needed = estimated.Aggregate(BigInteger.Zero, (sum, e) => sum + e.MaxCostWei) +
                (dearest * (_steps.Count - estimated.Count));
            BigInteger balance = await _steps[0].Chain.GetEthBalanceAsync(Address, cancellationToken)
                .ConfigureAwait(false);
            if (balance >= needed)
            {
                return;
            }

            throw new FabstirException(
                ChainErrors.InsufficientGasFunds,
                FabstirErrorCategory.LimitsExceeded,
                $"{Address} holds {TokenAmount.ToDecimal(balance, TokenAmount.EthDecimals)} ETH, but the " +
                $"{_steps.Count} transaction(s) of '{Operation}' may cost up to " +
                $"{TokenAmount.ToDecimal(needed, TokenAmount.EthDecimals)} ETH. Nothing was sent; fund the " +
                "address with ETH for gas.",
                Address);
        }

        /// <summary>The plan as lines of text, for -WhatIf and -Confirm.</summary>
        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(Operation).Append(" for ").Append(Address).Append(':');
            if (IsEmpty)
            {
                text.Append(" nothing to send, the chain already matches.");
            }

            for (int i = 0; i < _steps.Count; i++)
            {
                text.AppendLine().Append("  ").Append(i + 1).Append(". ").Append(_steps[i]);
            }

            foreach (string note in _notes)
            {
                text.AppendLine().Append("  ").Append(note);
            }

            return text.ToString();
        }

        public override string ToString() => Describe();

        /// <summary>
        /// Sends the steps in order, each awaited to its receipt, signed by <paramref name="key"/>,
        /// which must be the plan's address.
        /// </summary>
        public async Task<IReadOnlyList<FabstirTransaction>> ExecuteAsync(
            HostKey key,
            CancellationToken cancellationToken)
        {
            if (!string.Equals(key.Address, Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new FabstirException(
                    HostManagementErrors.HostKeyMismatch,
                    FabstirErrorCategory.InvalidArgument,
                    $"The plan was made for {Address}, but the key found is {key.Address}. Nothing was " +
                    "sent; use the key of the host the plan is for.",
                    key.Address);
            }

            await EnsureGasFundsAsync(cancellationToken).ConfigureAwait(false);
            var sent = new List<FabstirTransaction>();
            try
            {
                foreach (HostTransactionStep step in _steps)
                {
                    sent.Add(await step.SendAsync(key, Transactions, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (FabstirException ex)
            {
                // Not every host command is idempotent (a stake adds), so a re-run is not promised
                // to resume: the user is told what went out and to read the host first.
                var summary = TransactionRunSummary.Of(sent, _steps.Count, ex);
                string report = $"'{Operation}' stopped at step {summary.StoppedAtStep} of {_steps.Count}. " +
                    $"{summary.Text} {summary.NotSent} step(s) were not sent. {summary.RerunWhen} " +
                    "Get-FabstirHost to see what the chain holds before sending the rest.";
                ex.RecommendedAction = ex.RecommendedAction == null
                    ? report
                    : ex.RecommendedAction + " " + report;
                throw;
            }

            return sent;
        }
    }
}
