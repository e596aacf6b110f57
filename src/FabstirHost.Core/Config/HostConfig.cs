using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// The saved description of this host: what node to run and how it is registered. Holds no
    /// secrets; the private key lives only in the encrypted keystore.
    /// </summary>
    public sealed class HostConfig
    {
        public int SchemaVersion { get; set; } = HostConfigStore.SchemaVersion;

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

        public const string NewerSchemaErrorId = "ConfigSchemaTooNew";

        /// <summary>The newest layout of config.json this module reads and writes.</summary>
        public const int SchemaVersion = 1;

        public static HostConfig? Load(FabstirPaths paths)
        {
            HostConfig? config = SecureFile.ReadJsonOrDefault<HostConfig>(paths.ConfigFile, DamagedErrorId);
            if (config != null)
            {
                CheckSchemaVersion(paths, config.SchemaVersion);
            }

            return config;
        }

        /// <summary>config.json as JSON, for code that edits it in place; null when there is none.</summary>
        public static JObject? LoadJson(FabstirPaths paths)
        {
            JObject? json = SecureFile.ReadJsonOrDefault<JObject>(paths.ConfigFile, DamagedErrorId);
            // As the typed loader reads it: a number, or a number written as text; one too large
            // for a long can only come from a newer module.
            JToken? version = json?.GetValue("schemaVersion", System.StringComparison.OrdinalIgnoreCase);
            if (version is JValue { Type: JTokenType.Integer or JTokenType.String } value)
            {
                string text = System.Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                bool digits = text.Length > 0 && text.All(char.IsDigit);
                CheckSchemaVersion(paths, long.TryParse(text, out long number) ? number
                    : digits ? long.MaxValue : SchemaVersion);
            }

            return json;
        }

        /// <summary>
        /// Refuses a config.json written by a newer module: its fields may mean what this module
        /// cannot tell, and saving it back would drop them.
        /// </summary>
        public static void CheckSchemaVersion(FabstirPaths paths, long version)
        {
            if (version <= SchemaVersion)
            {
                return;
            }

            throw new FabstirException(
                NewerSchemaErrorId,
                FabstirErrorCategory.InvalidData,
                $"The file '{paths.ConfigFile}' has schemaVersion {version}, newer than the {SchemaVersion} " +
                "this FabstirHost module understands: a newer module wrote it, and the file was left as it " +
                "is. Import that newer FabstirHost module, or move the file aside to start afresh.",
                paths.ConfigFile);
        }

        public static void Save(FabstirPaths paths, HostConfig config)
        {
            paths.EnsureCreated();
            SecureFile.WriteJsonAtomic(paths.ConfigFile, config);
        }
    }
}
