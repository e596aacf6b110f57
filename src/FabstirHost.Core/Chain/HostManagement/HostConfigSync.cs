using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FabstirHost.Core.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// Keeps config.json in step with the chain after a change: the URL and models advertised, and
    /// whether the host is registered. Only those fields are replaced; node settings and fields
    /// this version does not know are kept. Another host's configuration is never touched.
    /// </summary>
    public static class HostConfigSync
    {
        public static void Record(
            FabstirPaths paths,
            string address,
            IOperationLog log,
            string? url = null,
            IReadOnlyList<string>? models = null,
            bool? registered = null)
        {
            HostConfig? typed = HostConfigStore.Load(paths);
            if (typed?.HostAddress != null &&
                !string.Equals(typed.HostAddress, address, StringComparison.OrdinalIgnoreCase))
            {
                log.Warning($"config.json describes the host {typed.HostAddress}, not {address}; it was " +
                    "left as it is.");
                return;
            }

            paths.EnsureCreated();
            JObject config = typed == null
                ? JObject.FromObject(new HostConfig(), JsonSerializer.Create(JsonSettings.Indented))
                : JObject.Parse(File.ReadAllText(paths.ConfigFile, Encoding.UTF8));
            JsonSettings.SetField(config, nameof(HostConfig.HostAddress), address);
            if (url != null)
            {
                JsonSettings.SetField(config, nameof(HostConfig.PublicUrl), url);
            }

            if (models != null)
            {
                JsonSettings.SetField(config, nameof(HostConfig.Models), new JArray(models.Cast<object>().ToArray()));
            }

            if (registered.HasValue)
            {
                JsonSettings.SetField(config, nameof(HostConfig.Registered), registered.Value);
            }

            SecureFile.WriteAllTextAtomic(paths.ConfigFile, config.ToString(Formatting.Indented));
            log.Verbose($"Recorded the change in '{paths.ConfigFile}'.");
        }
    }
}
