using System.Linq;
using FabstirHost.Core.Config;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// Saves what a registration settled into config.json, atomically. Only these fields are
    /// replaced; the node settings and fields this version does not know are kept.
    /// </summary>
    internal static class RegistrationConfig
    {
        public static void Save(FabstirPaths paths, RegistrationPlan plan, ChainProfile profile, int? p2pPort)
        {
            paths.EnsureCreated();
            JsonSerializer serializer = JsonSerializer.Create(JsonSettings.Indented);
            JObject config = Load(paths) ?? JObject.FromObject(new HostConfig(), serializer);
            var chain = new ChainSettings
            {
                ChainId = profile.ChainId,
                RpcUrl = profile.RpcUrl,
                Contracts = ChainSetting.Contracts.ToDictionary(
                    setting => setting.ConfigKey, setting => ContractAddress(profile, setting)),
            };

            JsonSettings.SetField(config, nameof(HostConfig.PublicUrl), plan.Url);
            JsonSettings.SetField(config, nameof(HostConfig.Models), new JArray(plan.Models.Select(m => m.Spec)));
            JsonSettings.SetField(config, nameof(HostConfig.Chain), JObject.FromObject(chain, serializer));
            JsonSettings.SetField(config, nameof(HostConfig.HostAddress), plan.HostAddress);
            JsonSettings.SetField(config, nameof(HostConfig.Registered), true);
            JsonSettings.SetField(config, nameof(HostConfig.ApiPort), plan.ApiPort);
            JsonSettings.SetField(config, nameof(HostConfig.P2PPort), p2pPort ?? plan.ApiPort + 1);
            if (plan.Input.Request.ModelPath != null)
            {
                JsonSettings.SetField(config, nameof(HostConfig.ModelPath), plan.Input.Request.ModelPath);
            }

            SecureFile.WriteAllTextAtomic(paths.ConfigFile, config.ToString(Formatting.Indented));
        }

        /// <summary>
        /// The saved configuration as JSON, or null when there is none; a damaged file is
        /// ConfigFileDamaged. Registration reads it before anything is sent, so that saving at the
        /// end cannot fail on it.
        /// </summary>
        public static JObject? Load(FabstirPaths paths)
        {
            return HostConfigStore.LoadJson(paths);
        }

        // The profile's node environment names every contract by the setting's variable name.
        private static string ContractAddress(ChainProfile profile, ChainSetting setting)
        {
            return profile.ToNodeEnvironment()[setting.EnvironmentName];
        }
    }
}
