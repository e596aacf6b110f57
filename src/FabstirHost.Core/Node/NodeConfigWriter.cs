using System.Collections.Generic;
using System.IO;
using System.Text;
using FabstirHost.Core.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

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
            JsonSettings.SetField(config, nameof(HostConfig.NodePath), settings.NodePath);
            JsonSettings.SetField(config, nameof(HostConfig.ModelPath), settings.ModelPath);
            JsonSettings.SetField(config, nameof(HostConfig.ApiPort), settings.ApiPort);
            JsonSettings.SetField(config, nameof(HostConfig.P2PPort), settings.P2PPort);
            JToken? logLevel = settings.LogLevel == null ? null : new JValue(settings.LogLevel);
            JsonSettings.SetField(config, nameof(HostConfig.LogLevel), logLevel);
            JsonSettings.SetField(config, nameof(HostConfig.Environment), settings.Environment == null
                ? null
                : JObject.FromObject(new Dictionary<string, string>(settings.Environment)));
            SecureFile.WriteAllTextAtomic(paths.ConfigFile, config.ToString(Formatting.Indented));
        }
    }
}
