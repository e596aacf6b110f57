using System.Collections.Generic;
using System.Numerics;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>A model a host advertises, named by the ModelRegistry where it knows the id.</summary>
    public sealed class FabstirHostModel
    {
        internal FabstirHostModel(string id, FabstirModel? model)
        {
            Id = id;
            Repository = model?.Repository;
            FileName = model?.FileName;
            Approved = model?.Approved ?? false;
        }

        public string Id { get; }

        /// <summary>Null when the ModelRegistry does not know the id.</summary>
        public string? Repository { get; }

        public string? FileName { get; }

        /// <summary>repo:file, or the id when the registry does not know it.</summary>
        public string Spec => Repository == null ? Id : Repository + ":" + FileName;

        public bool Approved { get; }

        public override string ToString() => Spec;
    }

    /// <summary>The price of one model in one payment token, in human and raw units.</summary>
    public sealed class FabstirModelPrice
    {
        internal FabstirModelPrice(
            FabstirHostModel model,
            PaymentToken token,
            BigInteger raw,
            BigInteger precision)
        {
            ModelId = model.Id;
            Model = model.Spec;
            Token = token.Symbol;
            TokenAddress = token.Address;
            RawPrice = raw;
            Price = TokenPrice.ToHuman(raw, token, precision);
            Unit = token.PriceUnit;
        }

        public string ModelId { get; }

        /// <summary>repo:file (or the id).</summary>
        public string Model { get; }

        /// <summary>ETH for the native coin, else the token's symbol.</summary>
        public string Token { get; }

        public string TokenAddress { get; }

        /// <summary>The price per million tokens in <see cref="Unit"/>.</summary>
        public decimal Price { get; }

        public string Unit { get; }

        /// <summary>The contract's value: base units per PRICE_PRECISION tokens.</summary>
        public BigInteger RawPrice { get; }

        /// <summary>
        /// False when no price is set; in the phase 18 generation the model cannot then be sold in
        /// this token.
        /// </summary>
        public bool IsSet => !RawPrice.IsZero;

        public override string ToString() => $"{Model} {Token}: {Price} {Unit}";
    }

    /// <summary>A host as the chain knows it: registration, stake, URL, models, metadata, prices.</summary>
    public sealed class FabstirHostInfo
    {
        internal FabstirHostInfo(FabstirNodeRecord record, long chainId, string nodeRegistry)
        {
            Address = record.Address;
            ChainId = chainId;
            NodeRegistry = nodeRegistry;
            IsRegistered = record.IsRegistered;
            Active = record.Active;
            Stake = record.Stake;
            StakedAmount = record.StakedAmount;
            ApiUrl = record.ApiUrl;
            Metadata = record.Metadata;
            DefaultNativePriceRaw = record.MinPricePerTokenNative;
            DefaultStablePriceRaw = record.MinPricePerTokenStable;
        }

        public string Address { get; }

        /// <summary>The host address again, so piped objects bind to -HostAddress parameters.</summary>
        public string HostAddress => Address;

        public long ChainId { get; }

        public string NodeRegistry { get; }

        public bool IsRegistered { get; }

        public bool Active { get; }

        /// <summary>FAB.</summary>
        public decimal Stake { get; }

        /// <summary>FAB base units.</summary>
        public BigInteger StakedAmount { get; }

        public string ApiUrl { get; }

        public IReadOnlyList<FabstirHostModel> Models { get; internal set; } = new FabstirHostModel[0];

        /// <summary>The metadata JSON exactly as stored on chain.</summary>
        public string Metadata { get; }

        /// <summary>The metadata parsed; empty when it is not a JSON object.</summary>
        public IReadOnlyDictionary<string, object?> MetadataFields { get; internal set; } =
            new Dictionary<string, object?>();

        /// <summary>The host's public key from the metadata, which clients use for encrypted sessions.</summary>
        public string? PublicKey =>
            MetadataFields.TryGetValue("publicKey", out object? key) ? key as string : null;

        /// <summary>
        /// For a host that is not registered: what is known of why (unregistered or slashed in a
        /// recent block, or recorded as registered in config.json); null when nothing is known.
        /// </summary>
        public string? NotRegisteredReason { get; internal set; }

        /// <summary>Legacy, Phase18, or null when the host is not registered (not probed).</summary>
        public PricingGeneration? PricingGeneration { get; internal set; }

        /// <summary>Prices per model and token (native and USDC).</summary>
        public IReadOnlyList<FabstirModelPrice> Prices { get; internal set; } = new FabstirModelPrice[0];

        /// <summary>
        /// The node-wide native price given at registration (legacy: the default of every model).
        /// </summary>
        public BigInteger DefaultNativePriceRaw { get; }

        /// <summary>The node-wide stable price given at registration.</summary>
        public BigInteger DefaultStablePriceRaw { get; }

        public override string ToString() =>
            IsRegistered ? $"{Address} registered, {Stake} FAB, {ApiUrl}" : $"{Address} not registered";
    }
}
