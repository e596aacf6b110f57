using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using FabstirHost.Core.Node;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// A host's registration after <c>Register-FabstirHost</c>: where clients reach it, what it
    /// serves at what price, its stake, and every transaction this run sent. Pipes into
    /// <c>Test-FabstirEndpoint</c> by its <see cref="Url"/>.
    /// </summary>
    public sealed class FabstirHostRegistration
    {
        internal FabstirHostRegistration(
            RegistrationPlan plan,
            long chainId,
            string nodeRegistry,
            IReadOnlyList<FabstirTransaction> transactions,
            FabstirNode? node)
        {
            Address = plan.HostAddress;
            Url = plan.Url;
            Models = plan.Models;
            ChainId = chainId;
            NodeRegistry = nodeRegistry;
            Generation = plan.Generation;
            StakeRaw = plan.StakeRaw;
            Stake = TokenAmount.ToDecimal(plan.StakeRaw, TokenAmount.FabDecimals);
            NativePrice = plan.NativePrice;
            StablePrice = plan.StablePrice;
            BigInteger precision = plan.Bounds.Precision;
            GweiPerMillionTokens =
                PriceUnits.FromRaw(plan.NativePrice, PriceUnit.GweiPerMillionTokens, precision);
            UsdcPerMillionTokens =
                PriceUnits.FromRaw(plan.StablePrice, PriceUnit.UsdcPerMillionTokens, precision);
            Metadata = plan.Metadata;
            Status = plan.Status;
            Transactions = transactions;
            GasUsed = transactions.Aggregate(BigInteger.Zero, (sum, t) => sum + t.GasUsed);
            CostEth = transactions.Sum(t => t.CostEth);
            Node = node;
        }

        public RegistrationStatus Status { get; }

        public string Address { get; }

        /// <summary>The public URL as registered on chain.</summary>
        public string Url { get; }

        public IReadOnlyList<FabstirRegisteredModel> Models { get; }

        public long ChainId { get; }

        public string NodeRegistry { get; }

        public PricingGeneration Generation { get; }

        /// <summary>FAB staked.</summary>
        public decimal Stake { get; }

        public BigInteger StakeRaw { get; }

        /// <summary>Raw native price, per token × PRICE_PRECISION, in wei.</summary>
        public BigInteger NativePrice { get; }

        /// <summary>Raw stable price, per token × PRICE_PRECISION, in USDC base units.</summary>
        public BigInteger StablePrice { get; }

        public decimal GweiPerMillionTokens { get; }

        public decimal UsdcPerMillionTokens { get; }

        /// <summary>The metadata JSON on chain, with the host's public key.</summary>
        public string Metadata { get; }

        /// <summary>The transactions this run sent, in order, each with its function, hash and gas.</summary>
        public IReadOnlyList<FabstirTransaction> Transactions { get; }

        public BigInteger GasUsed { get; }

        public decimal CostEth { get; }

        /// <summary>The node serving the URL, when this run started or found it.</summary>
        public FabstirNode? Node { get; }

        public override string ToString() => $"{Status} {Address} {Url}";
    }
}
