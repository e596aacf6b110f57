using System;
using System.Collections.Generic;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// A chain and the marketplace contracts on it: chain id, RPC URL and the proxy addresses the
    /// module and the node call. <see cref="BaseSepolia"/> is the default.
    /// </summary>
    public sealed class ChainProfile
    {
        public const long BaseSepoliaChainId = 84532;

        public ChainProfile(
            string name,
            long chainId,
            string rpcUrl,
            string nodeRegistry,
            string modelRegistry,
            string hostEarnings,
            string jobMarketplace,
            string proofSystem,
            string fabToken,
            string usdcToken)
        {
            Name = name;
            ChainId = chainId;
            RpcUrl = rpcUrl;
            NodeRegistry = nodeRegistry;
            ModelRegistry = modelRegistry;
            HostEarnings = hostEarnings;
            JobMarketplace = jobMarketplace;
            ProofSystem = proofSystem;
            FabToken = fabToken;
            UsdcToken = usdcToken;
        }

        /// <summary>Base Sepolia with the newest published contract set.</summary>
        public static ChainProfile BaseSepolia { get; } = new ChainProfile(
            "BaseSepolia",
            BaseSepoliaChainId,
            "https://sepolia.base.org",
            nodeRegistry: "0x8BC0Af4aAa2dfb99699B1A24bA85E507de10Fd22",
            modelRegistry: "0x1a9d91521c85bD252Ac848806Ff5096bBb9ACDb2",
            hostEarnings: "0xE4F33e9e132E60fc3477509f99b9E1340b91Aee0",
            jobMarketplace: "0xD067719Ee4c514B5735d1aC0FfB46FECf2A9adA4",
            proofSystem: "0xE8DCa89e1588bbbdc4F7D5F78263632B35401B31",
            fabToken: "0xC78949004B4EB6dEf2D66e49Cd81231472612D62",
            usdcToken: "0x036CbD53842c5426634e7929541eC2318f3dCF7e");

        /// <summary>"BaseSepolia", or "Custom" once anything was overridden.</summary>
        public string Name { get; }

        public long ChainId { get; }

        public string RpcUrl { get; }

        /// <summary>
        /// The RPC URL fit for messages and logs: scheme, host and port only, since providers put
        /// API keys in the path or query (<c>https://base-sepolia.g.alchemy.com/v2/KEY</c>).
        /// </summary>
        public string DisplayRpcUrl => DisplayRpcUrlOf(RpcUrl);

        /// <summary>
        /// Any text given as an RPC URL, fit for messages: without its user part, and cut after the
        /// host and port, since what follows may be an API key even where the text is no URL.
        /// </summary>
        public static string DisplayRpcUrlOf(string rpcUrl)
        {
            int scheme = rpcUrl.IndexOf("://", StringComparison.Ordinal);
            int start = scheme < 0 ? 0 : scheme + 3;
            int end = rpcUrl.IndexOfAny(new[] { '/', '?', '#', '\\' }, start);
            string authority = end < 0 ? rpcUrl.Substring(start) : rpcUrl.Substring(start, end - start);
            string shown = rpcUrl.Substring(0, start) + authority.Substring(authority.LastIndexOf('@') + 1);
            bool hasMore = end >= 0 && end < rpcUrl.Length - 1;
            return hasMore ? shown + "/…" : shown;
        }

        public string NodeRegistry { get; }

        public string ModelRegistry { get; }

        public string HostEarnings { get; }

        public string JobMarketplace { get; }

        public string ProofSystem { get; }

        public string FabToken { get; }

        public string UsdcToken { get; }

        /// <summary>
        /// The variables the node reads for this profile (the same names the module accepts as
        /// overrides), to merge into the node's environment.
        /// </summary>
        public IReadOnlyDictionary<string, string> ToNodeEnvironment()
        {
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ChainSetting.RpcUrl.EnvironmentName] = RpcUrl,

                // The node's model validation prefers this name over RPC_URL; both must agree.
                ["BASE_SEPOLIA_RPC_URL"] = RpcUrl,
                [ChainSetting.NodeRegistry.EnvironmentName] = NodeRegistry,
                [ChainSetting.ModelRegistry.EnvironmentName] = ModelRegistry,
                [ChainSetting.HostEarnings.EnvironmentName] = HostEarnings,
                [ChainSetting.JobMarketplace.EnvironmentName] = JobMarketplace,
                [ChainSetting.ProofSystem.EnvironmentName] = ProofSystem,
                [ChainSetting.FabToken.EnvironmentName] = FabToken,
                [ChainSetting.UsdcToken.EnvironmentName] = UsdcToken,
            };
        }

        public override string ToString() => $"{Name} (chain {ChainId}, {DisplayRpcUrl})";
    }
}
