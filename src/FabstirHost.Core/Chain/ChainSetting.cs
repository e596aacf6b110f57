using System;
using System.Collections.Generic;
using System.Linq;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// One overridable value of a chain profile, with the names it goes by: the node's environment
    /// variable and the key in <c>config.json</c>'s <c>chain.contracts</c>.
    /// </summary>
    public sealed class ChainSetting
    {
        private ChainSetting(string displayName, string environmentName, string configKey, bool isAddress)
        {
            DisplayName = displayName;
            EnvironmentName = environmentName;
            ConfigKey = configKey;
            IsAddress = isAddress;
        }

        public static ChainSetting RpcUrl { get; } = new ChainSetting("RPC URL", "RPC_URL", "rpcUrl", false);

        public static ChainSetting NodeRegistry { get; } =
            new ChainSetting("NodeRegistry", "CONTRACT_NODE_REGISTRY", "nodeRegistry", true);

        public static ChainSetting ModelRegistry { get; } =
            new ChainSetting("ModelRegistry", "CONTRACT_MODEL_REGISTRY", "modelRegistry", true);

        public static ChainSetting HostEarnings { get; } =
            new ChainSetting("HostEarnings", "CONTRACT_HOST_EARNINGS", "hostEarnings", true);

        public static ChainSetting JobMarketplace { get; } =
            new ChainSetting("JobMarketplace", "CONTRACT_JOB_MARKETPLACE", "jobMarketplace", true);

        public static ChainSetting ProofSystem { get; } =
            new ChainSetting("ProofSystem", "CONTRACT_PROOF_SYSTEM", "proofSystem", true);

        public static ChainSetting FabToken { get; } =
            new ChainSetting("FAB token", "FAB_TOKEN", "fabToken", true);

        public static ChainSetting UsdcToken { get; } =
            new ChainSetting("USDC token", "USDC_TOKEN", "usdcToken", true);

        /// <summary>The contract addresses, in the order they are reported.</summary>
        public static IReadOnlyList<ChainSetting> Contracts { get; } = new[]
        {
            NodeRegistry, ModelRegistry, HostEarnings, JobMarketplace, ProofSystem, FabToken, UsdcToken,
        };

        public string DisplayName { get; }

        public string EnvironmentName { get; }

        public string ConfigKey { get; }

        public bool IsAddress { get; }

        /// <summary>Finds a contract by its config key or environment name, ignoring case.</summary>
        public static ChainSetting? FindContract(string name)
        {
            return Contracts.FirstOrDefault(setting =>
                string.Equals(setting.ConfigKey, name, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(setting.EnvironmentName, name, StringComparison.OrdinalIgnoreCase));
        }

        public override string ToString() => DisplayName;
    }
}
