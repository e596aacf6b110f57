using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using FabstirHost.Core.Models;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>What a registration run did, or would do, to the chain.</summary>
    public enum RegistrationStatus
    {
        /// <summary>The host was not registered; registerNode was (or would be) sent.</summary>
        Registered,

        /// <summary>The host was registered; only what differed was (or would be) sent.</summary>
        Updated,

        /// <summary>The chain already matched: nothing was (or would be) sent.</summary>
        Unchanged,
    }

    /// <summary>One transaction of a registration plan, with what it may cost.</summary>
    public sealed class FabstirPlannedTransaction
    {
        internal FabstirPlannedTransaction(
            int step,
            string arguments,
            FabstirTransactionPlan plan,
            bool gasAssumed)
        {
            Step = step;
            Arguments = arguments;
            Contract = plan.Contract;
            Function = plan.Function;
            To = plan.To;
            GasEstimate = plan.GasEstimate;
            GasLimit = plan.GasLimit;
            GasAssumed = gasAssumed;
            MaxFeePerGas = plan.MaxFeePerGas;
            MaxCostWei = plan.MaxCostWei;
            MaxCostEth = plan.MaxCostEth;
        }

        /// <summary>1 for the first transaction sent.</summary>
        public int Step { get; }

        public string Contract { get; }

        public string Function { get; }

        /// <summary>The arguments in words, with amounts in raw and human units.</summary>
        public string Arguments { get; }

        public string To { get; }

        public BigInteger GasEstimate { get; }

        /// <summary>
        /// True when the gas is a typical figure: the call depends on an earlier transaction of the
        /// plan, so the chain cannot estimate it before that one is mined.
        /// </summary>
        public bool GasAssumed { get; }

        public BigInteger GasLimit { get; }

        public BigInteger MaxFeePerGas { get; }

        public BigInteger MaxCostWei { get; }

        public decimal MaxCostEth { get; }

        public override string ToString()
        {
            string gas = GasAssumed ? $"about {GasEstimate} gas (typical)" : $"{GasEstimate} gas (estimated)";
            return $"{Step}. {Contract}.{Function}({Arguments}): {gas}, at most {MaxCostEth} ETH";
        }
    }

    /// <summary>A model of the registration, with its on-chain id.</summary>
    public sealed class FabstirRegisteredModel
    {
        internal FabstirRegisteredModel(ModelSpec spec, bool served)
        {
            Spec = spec.ToString();
            Id = spec.Id;
            Repository = spec.Repository;
            FileName = spec.FileName;
            Served = served;
        }

        /// <summary>repo:file.</summary>
        public string Spec { get; }

        public string Id { get; }

        public string Repository { get; }

        public string FileName { get; }

        /// <summary>True for the model whose file the node loads.</summary>
        public bool Served { get; }

        public override string ToString() => Spec;
    }

    /// <summary>
    /// Everything a registration would send, worked out from what the chain holds now: the
    /// transactions in order with their gas and cost, and what the host's record will become.
    /// </summary>
    public sealed class RegistrationPlan
    {
        internal RegistrationPlan(
            RegistrationInput input,
            string hostAddress,
            PricingGeneration generation,
            FabstirNodeRecord record,
            BigInteger stake,
            BigInteger nativePrice,
            BigInteger stablePrice,
            PriceBounds bounds,
            string metadata,
            IReadOnlyList<PlannedStep> steps,
            BigInteger ethBalance)
        {
            Input = input;
            HostAddress = hostAddress;
            Url = input.UrlText;
            ApiPort = input.ApiPort;
            Models = input.Models
                .Select(m => new FabstirRegisteredModel(m, m.Equals(input.ServedModel)))
                .ToList();
            Generation = generation;
            Record = record;
            StakeRaw = stake;
            NativePrice = nativePrice;
            StablePrice = stablePrice;
            Bounds = bounds;
            Metadata = metadata;
            Steps = steps;
            Transactions = steps.Select(s => s.Planned).ToList();
            MaxCostWei = Transactions.Aggregate(BigInteger.Zero, (sum, t) => sum + t.MaxCostWei);
            EthBalanceWei = ethBalance;
            Status = steps.Any(s => s.Function == "registerNode")
                ? RegistrationStatus.Registered
                : steps.Count > 0 ? RegistrationStatus.Updated : RegistrationStatus.Unchanged;
        }

        public string HostAddress { get; }

        public string Url { get; }

        /// <summary>The port the node listens on here.</summary>
        public int ApiPort { get; }

        public IReadOnlyList<FabstirRegisteredModel> Models { get; }

        public PricingGeneration Generation { get; }

        /// <summary>Raw native price (wei per token × PRICE_PRECISION).</summary>
        public BigInteger NativePrice { get; }

        /// <summary>Raw stable price (USDC base units per token × PRICE_PRECISION).</summary>
        public BigInteger StablePrice { get; }

        public PriceBounds Bounds { get; }

        /// <summary>The metadata JSON the record will hold.</summary>
        public string Metadata { get; }

        /// <summary>FAB staked after the run, raw.</summary>
        public BigInteger StakeRaw { get; }

        public IReadOnlyList<FabstirPlannedTransaction> Transactions { get; }

        /// <summary>The most all transactions can cost together.</summary>
        public BigInteger MaxCostWei { get; }

        public decimal MaxCostEth => TokenAmount.ToDecimal(MaxCostWei, TokenAmount.EthDecimals);

        public BigInteger EthBalanceWei { get; }

        public RegistrationStatus Status { get; }

        /// <summary>Set by the registrar: whether the node would be started for this run.</summary>
        public string? NodeAction { get; internal set; }

        internal RegistrationInput Input { get; }

        internal FabstirNodeRecord Record { get; }

        internal IReadOnlyList<PlannedStep> Steps { get; }

        /// <summary>The host's next nonce when the plan was read, with nothing pending then.</summary>
        internal BigInteger? FirstNonce { get; set; }

        /// <summary>
        /// What the plan does to the host's registration, in the future tense of a plan: the
        /// status names the outcome once sent, which reads as a fact about the host before it.
        /// </summary>
        private string StatusInWords()
        {
            switch (Status)
            {
                case RegistrationStatus.Registered:
                    return "not registered yet: a new registration";
                case RegistrationStatus.Updated:
                    return "registered: an update of what differs";
                default:
                    return "registered and unchanged: nothing to send";
            }
        }

        /// <summary>The plan in words, one line per action: what -WhatIf shows.</summary>
        public string Describe()
        {
            var lines = new List<string>
            {
                $"Register host {HostAddress} at {Url} ({StatusInWords()}; NodeRegistry {Generation} pricing).",
            };

            if (NodeAction != null)
            {
                lines.Add("Node: " + NodeAction);
            }

            lines.AddRange(Transactions.Select(t => "  " + t));
            lines.Add(Transactions.Count == 0
                ? "Nothing to send: the chain already holds this registration."
                : $"Total: {Transactions.Count} transaction(s), at most {MaxCostEth} ETH for gas " +
                    $"(balance {TokenAmount.ToDecimal(EthBalanceWei, TokenAmount.EthDecimals)} ETH).");
            return string.Join(System.Environment.NewLine, lines);
        }

        public override string ToString() => Describe();
    }
}
