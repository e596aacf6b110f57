using System.Collections.Generic;
using System.IO;
using System.Text;
using FabstirHost.Core.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Saves the settings of a successful start into config.json. Only the node's own fields are
    /// replaced; every other field, including ones this version does not know, is kept.
    /// </summary>
    public static class NodeConfigWriter
    {
        public static void Save(FabstirPaths paths, NodeSettings settings)
        {
            paths.EnsureCreated();
            JObject config = File.Exists(paths.ConfigFile)
                ? JObject.Parse(File.ReadAllText(paths.ConfigFile, Encoding.UTF8))
                : JObject.FromObject(new HostConfig(), JsonSerializer.Create(JsonSettings.Indented));
            config[Name(nameof(HostConfig.NodePath))] = settings.NodePath;
            config[Name(nameof(HostConfig.ModelPath))] = settings.ModelPath;
            config[Name(nameof(HostConfig.ApiPort))] = settings.ApiPort;
            config[Name(nameof(HostConfig.P2PPort))] = settings.P2PPort;
            JToken? logLevel = settings.LogLevel == null ? null : new JValue(settings.LogLevel);
            SetOrRemove(config, Name(nameof(HostConfig.LogLevel)), logLevel);
            SetOrRemove(config, Name(nameof(HostConfig.Environment)), settings.Environment == null
                ? null
                : JObject.FromObject(new Dictionary<string, string>(settings.Environment)));
            SecureFile.WriteAllTextAtomic(paths.ConfigFile, config.ToString(Formatting.Indented));
        }

        // The names HostConfig is written with, so the two never disagree (P2PPort is "p2PPort").
        private static string Name(string property)
        {
            var resolver = (DefaultContractResolver)JsonSettings.Indented.ContractResolver!;
            return resolver.GetResolvedPropertyName(property);
        }

        private static void SetOrRemove(JObject config, string name, JToken? value)
        {
            if (value == null)
            {
                config.Remove(name);
            }
            else
            {
                config[name] = value;
            }
        }
    }
}
