using System;
using System.Collections.Generic;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// Keeps config.json in step with the chain after a change: the URL and models advertised, and
    /// whether the host is registered. Another host's configuration is never touched.
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
            HostConfig config = HostConfigStore.Load(paths) ?? new HostConfig();
            if (config.HostAddress != null &&
                !string.Equals(config.HostAddress, address, StringComparison.OrdinalIgnoreCase))
            {
                log.Warning($"config.json describes the host {config.HostAddress}, not {address}; it was " +
                    "left as it is.");
                return;
            }

            config.HostAddress = address;
            config.PublicUrl = url ?? config.PublicUrl;
            config.Models = models != null ? new List<string>(models) : config.Models;
            config.Registered = registered ?? config.Registered;
            HostConfigStore.Save(paths, config);
            log.Verbose($"Recorded the change in '{paths.ConfigFile}'.");
        }
    }
}
