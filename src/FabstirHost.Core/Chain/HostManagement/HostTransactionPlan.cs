using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
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
        private readonly Func<HostKey, CancellationToken, Task<FabstirTransaction>> _send;

        private HostTransactionStep(
            string contract,
            string function,
            string description,
            bool dependsOnEarlierStep,
            Func<string, CancellationToken, Task<FabstirTransactionPlan>> plan,
            Func<HostKey, CancellationToken, Task<FabstirTransaction>> send)
        {
            Contract = contract;
            Function = function;
            Description = description;
            DependsOnEarlierStep = dependsOnEarlierStep;
            _plan = plan;
            _send = send;
        }

        public string Contract { get; }

        public string Function { get; }

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
                contract,
                FabstirChain.FunctionName<TFunction>(),
                description,
                dependsOnEarlierStep,
                (from, token) => chain.PlanAsync(contract, address, function, from, null, token),
                (key, token) => chain.SendAsync(key, contract, address, function, null, token));
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

        internal Task<FabstirTransaction> SendAsync(HostKey key, CancellationToken cancellationToken)
        {
            return _send(key, cancellationToken);
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

            var sent = new List<FabstirTransaction>();
            foreach (HostTransactionStep step in _steps)
            {
                sent.Add(await step.SendAsync(key, cancellationToken).ConfigureAwait(false));
            }

            return sent;
        }
    }
}
