using System.Collections.Generic;
using FabstirHost.Core.Chain;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// The fields of <c>config.json</c> one <c>Set-FabstirHostConfig</c> changes; null leaves a
    /// field as it is.
    /// </summary>
    public sealed class HostConfigChanges
    {
        /// <summary>The node binary; made absolute against the current directory.</summary>
        public string? NodePath { get; set; }

        /// <summary>The GGUF model file; made absolute against the current directory.</summary>
        public string? ModelPath { get; set; }

        public int? ApiPort { get; set; }

        public int? P2PPort { get; set; }

        /// <summary>The node's RUST_LOG filter, e.g. <c>info</c> or <c>info,fabstir_llm_node=debug</c>.</summary>
        public string? LogLevel { get; set; }

        public string? PublicUrl { get; set; }

        /// <summary>Variables merged into the saved ones; a null or empty value removes the variable.</summary>
        public IDictionary<string, string?>? Environment { get; set; }

        public string? RpcUrl { get; set; }

        public long? ChainId { get; set; }

        /// <summary>Contract addresses by <see cref="ChainSetting"/>.</summary>
        public Dictionary<ChainSetting, string> Contracts { get; } = new Dictionary<ChainSetting, string>();
    }
}
