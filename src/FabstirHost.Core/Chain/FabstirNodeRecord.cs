using System.Collections.Generic;
using System.Numerics;

namespace FabstirHost.Core.Chain
{
    /// <summary>A host as the NodeRegistry records it.</summary>
    public sealed class FabstirNodeRecord
    {
        internal FabstirNodeRecord(
            string address,
            bool isRegistered,
            BigInteger stakedAmount,
            bool active,
            string metadata,
            string apiUrl,
            IReadOnlyList<string> modelIds,
            BigInteger minPricePerTokenNative,
            BigInteger minPricePerTokenStable)
        {
            Address = address;
            IsRegistered = isRegistered;
            StakedAmount = stakedAmount;
            Stake = TokenAmount.ToDecimal(stakedAmount, TokenAmount.FabDecimals);
            Active = active;
            Metadata = metadata;
            ApiUrl = apiUrl;
            ModelIds = modelIds;
            MinPricePerTokenNative = minPricePerTokenNative;
            MinPricePerTokenStable = minPricePerTokenStable;
        }

        public string Address { get; }

        public bool IsRegistered { get; }

        /// <summary>Raw FAB base units.</summary>
        public BigInteger StakedAmount { get; }

        /// <summary>FAB.</summary>
        public decimal Stake { get; }

        public bool Active { get; }

        public string Metadata { get; }

        public string ApiUrl { get; }

        public IReadOnlyList<string> ModelIds { get; }

        public BigInteger MinPricePerTokenNative { get; }

        public BigInteger MinPricePerTokenStable { get; }
    }
}
