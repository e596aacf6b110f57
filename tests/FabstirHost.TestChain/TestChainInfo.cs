using Newtonsoft.Json;

namespace FabstirHost.TestChain
{
    /// <summary>
    /// Everything a test or the demo needs to know about a seeded local chain. Serialised as JSON
    /// for PowerShell (tests/LocalChain.psm1).
    /// </summary>
    public sealed class TestChainInfo
    {
        public string RpcUrl { get; set; } = "";

        public long ChainId { get; set; }

        public string DeployerKey { get; set; } = DevAccounts.DeployerKey;

        public string DeployerAddress { get; set; } = DevAccounts.DeployerAddress;

        public string HostKey { get; set; } = DevAccounts.HostKey;

        public string HostAddress { get; set; } = DevAccounts.HostAddress;

        public string FabToken { get; set; } = "";

        public string UsdcToken { get; set; } = "";

        public string ModelRegistry { get; set; } = "";

        /// <summary>The phase 18 registry, the newest generation.</summary>
        public string NodeRegistry { get; set; } = "";

        public string LegacyNodeRegistry { get; set; } = "";

        public string HostEarnings { get; set; } = "";

        /// <summary>Approved models as <c>repo:file</c>.</summary>
        public List<string> ApprovedModels { get; set; } = new();

        /// <summary>A model that was added and then deactivated, so it is known but not approved.</summary>
        public string DeactivatedModel { get; set; } = "";

        /// <summary>A model the registry has never heard of.</summary>
        public string UnknownModel { get; set; } = "";

        /// <summary>The sha256 seeded for each approved model, by <c>repo:file</c>.</summary>
        public Dictionary<string, string> ModelHashes { get; set; } = new();

        public string ToJson() => JsonConvert.SerializeObject(this, Formatting.Indented);
    }
}
