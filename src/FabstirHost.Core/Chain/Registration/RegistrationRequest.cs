using System.Collections.Generic;
using System.Numerics;
using FabstirHost.Core.Node;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// One price as the user gave it: in human units per million tokens, or in the contract's raw
    /// units, or not at all (the documented default applies).
    /// </summary>
    public sealed class PriceSetting
    {
        private PriceSetting(PriceKind kind, decimal? human, PriceUnit unit, BigInteger? raw)
        {
            Kind = kind;
            Human = human;
            Unit = unit;
            Raw = raw;
        }

        public PriceKind Kind { get; }

        public decimal? Human { get; }

        public PriceUnit Unit { get; }

        public BigInteger? Raw { get; }

        public static PriceSetting FromHuman(decimal perMillionTokens, PriceUnit unit)
        {
            return new PriceSetting(PriceUnits.KindOf(unit), perMillionTokens, unit, null);
        }

        public static PriceSetting FromRaw(PriceKind kind, BigInteger raw)
        {
            PriceUnit unit = kind == PriceKind.Stable
                ? PriceUnit.UsdcPerMillionTokens
                : PriceUnit.GweiPerMillionTokens;
            return new PriceSetting(kind, null, unit, raw);
        }

        /// <summary>The raw contract price for the registry's precision.</summary>
        internal BigInteger ToRaw(BigInteger precision)
        {
            return Raw ?? PriceUnits.ToRaw(Human!.Value, Unit, precision);
        }
    }

    /// <summary>
    /// What <c>Register-FabstirHost</c> was asked for: the public URL, the models, the prices, the
    /// metadata and how to run the node. Validated offline before anything is read or sent.
    /// </summary>
    public sealed class RegistrationRequest
    {
        /// <summary>USDC per million tokens when no stable price is given: $5.</summary>
        public const decimal DefaultUsdcPerMillionTokens = 5m;

        /// <summary>
        /// Gwei per million tokens when no native price is given: 1 000 000 gwei = 0.001 ETH per
        /// million tokens, near the stable default at today's ETH price and inside the bounds.
        /// </summary>
        public const decimal DefaultGweiPerMillionTokens = 1000000m;

        public string PublicUrl { get; set; } = string.Empty;

        /// <summary>Models as <c>repo:file</c>.</summary>
        public IList<string> Models { get; set; } = new List<string>();

        public PriceSetting? StablePrice { get; set; }

        public PriceSetting? NativePrice { get; set; }

        /// <summary>Descriptive fields merged over the default metadata; never secrets.</summary>
        public IDictionary<string, object?> Metadata { get; set; } = new Dictionary<string, object?>();

        /// <summary>The one GGUF file the node loads; absolute.</summary>
        public string? ModelPath { get; set; }

        /// <summary>The node's API port when the URL names none or points at a proxy.</summary>
        public int? Port { get; set; }

        /// <summary>The first P2P port; null means the API port + 1.</summary>
        public int? P2PPort { get; set; }

        /// <summary>Register without starting the node.</summary>
        public bool NoStart { get; set; }

        /// <summary>Register models the node will not serve.</summary>
        public bool Force { get; set; }

        /// <summary>
        /// How to launch the node (binary, supervisor, timeouts); the model, ports and key are set
        /// by the registration.
        /// </summary>
        public NodeLaunchOptions? NodeOptions { get; set; }

        /// <summary>How long the public URL may take to answer /health.</summary>
        public System.TimeSpan ProbeTimeout { get; set; } = System.TimeSpan.FromSeconds(10);

        /// <summary>How transactions are sent and awaited.</summary>
        public TransactionOptions Transactions { get; set; } = new TransactionOptions();
    }
}
