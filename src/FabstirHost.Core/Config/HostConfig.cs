using System.Collections.Generic;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// The saved description of this host: what node to run and how it is registered. Holds no
    /// secrets; the private key lives only in the encrypted keystore.
    /// </summary>
    public sealed class HostConfig
    {
        public int SchemaVersion { get; set; } = 1;

        public string? NodePath { get; set; }

        public string? ModelPath { get; set; }

        public int? ApiPort { get; set; }

        public int? P2PPort { get; set; }

        public string? LogLevel { get; set; }

        /// <summary>Extra environment variables for the node, never secrets.</summary>
        public Dictionary<string, string>? Environment { get; set; }

        public string? PublicUrl { get; set; }

        /// <summary>Models as <c>repo:file</c> specifications.</summary>
        public List<string>? Models { get; set; }

        public ChainSettings? Chain { get; set; }

        public string? HostAddress { get; set; }

        public bool Registered { get; set; }
    }

    /// <summary>A chain profile as saved: chain id, RPC and contract addresses.</summary>
    public sealed class ChainSettings
    {
        public long? ChainId { get; set; }

        public string? RpcUrl { get; set; }

        public Dictionary<string, string>? Contracts { get; set; }
    }

    /// <summary>Reads and writes <c>config.json</c> atomically.</summary>
    public static class HostConfigStore
    {
        public const string DamagedErrorId = "ConfigFileDamaged";

        public static HostConfig? Load(FabstirPaths paths)
        {
            return SecureFile.ReadJsonOrDefault<HostConfig>(paths.ConfigFile, DamagedErrorId);
        }

        public static void Save(FabstirPaths paths, HostConfig config)
        {
            paths.EnsureCreated();
            SecureFile.WriteJsonAtomic(paths.ConfigFile, config);
        }
    }
}
