using System;
using System.Collections.Generic;
using System.Linq;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;
using static FabstirHost.Core.Network.FabstirDiagnostic;

namespace FabstirHost.Core.Network
{
    /// <summary>This part: the values in a config.json that parses, each one checked on its own.</summary>
    internal static partial class DiagnosticChecks
    {
        private const string ConfigCheckName = "Configuration value";

        /// <summary>
        /// The configuration with every unusable value left out, so that the other checks go on with
        /// what is valid; each value left out is a Fail check naming it. A public URL given as a
        /// parameter replaces the saved one, which is then not judged. Bad chain settings drop the
        /// whole saved chain: checking another chain than the one meant would mislead.
        /// </summary>
        public static HostConfig ScreenConfig(
            HostConfig config,
            bool publicUrlGiven,
            List<FabstirDiagnostic> failures,
            out bool chainDropped)
        {
            var screened = new HostConfig
            {
                SchemaVersion = config.SchemaVersion,
                NodePath = config.NodePath,
                ModelPath = config.ModelPath,
                ApiPort = config.ApiPort,
                P2PPort = config.P2PPort,
                LogLevel = config.LogLevel,
                Environment = config.Environment,
                PublicUrl = config.PublicUrl,
                Models = config.Models,
                Chain = config.Chain,
                HostAddress = config.HostAddress,
                Registered = config.Registered,
            };

            int apiPort = DiagnosticsOptions.DefaultApiPort;
            if (config.ApiPort is int api)
            {
                if (api < 1 || api > 65535)
                {
                    screened.ApiPort = null;
                    failures.Add(ConfigValue("apiPort", api.ToString(),
                        $"is not a port (1 to 65535); the checks below use port {apiPort}",
                        $"Set-FabstirHostConfig -ApiPort {apiPort}"));
                }
                else
                {
                    apiPort = api;
                }
            }

            if (config.P2PPort is int p2p && (p2p < 1 || p2p > HostConfigRules.MaxP2PPort))
            {
                screened.P2PPort = null;
                int fallback = Math.Min(apiPort + 1, HostConfigRules.MaxP2PPort);
                failures.Add(ConfigValue("p2pPort", p2p.ToString(),
                    $"is not a first P2P port (1 to {HostConfigRules.MaxP2PPort}); the checks below use " +
                    $"port {fallback}",
                    $"Set-FabstirHostConfig -P2PPort {fallback}"));
            }

            if (!publicUrlGiven && !string.IsNullOrWhiteSpace(config.PublicUrl))
            {
                try
                {
                    UrlRules.Parse(config.PublicUrl!);
                }
                catch (FabstirException ex)
                {
                    screened.PublicUrl = null;
                    failures.Add(Fail(DiagnosticArea.Config, ConfigCheckName,
                        $"publicUrl in config.json: {ex.Message} The public checks below are skipped.",
                        "Set-FabstirHostConfig -PublicUrl 'https://node.example.com:8443'"));
                }
            }

            if (!string.IsNullOrEmpty(config.HostAddress) && !Addresses.IsWellFormed(config.HostAddress!))
            {
                screened.HostAddress = null;
                failures.Add(ConfigValue("hostAddress", Addresses.Shown(config.HostAddress!),
                    "is not an address (0x and 40 hexadecimal digits); the chain checks below use -Address " +
                    "or the host key's address",
                    "Get-FabstirDiagnostics -Address 0x<host address>; Register-FabstirHost saves the right one"));
            }

            chainDropped = false;
            foreach (FabstirDiagnostic failure in ScreenChain(config.Chain))
            {
                failures.Add(failure);
                chainDropped = true;
            }

            if (chainDropped)
            {
                screened.Chain = null;
            }

            return screened;
        }

        private static IEnumerable<FabstirDiagnostic> ScreenChain(ChainSettings? chain)
        {
            if (chain == null)
            {
                yield break;
            }

            const string after = "; the chain checks below need -RpcUrl (with -ChainId and the contract " +
                "addresses for a chain other than Base Sepolia)";
            if (!string.IsNullOrWhiteSpace(chain.RpcUrl) && !IsValid(() => ChainProfileResolver.ValidRpcUrl(
                chain.RpcUrl!)))
            {
                yield return ConfigValue("chain.rpcUrl", ChainProfile.DisplayRpcUrlOf(chain.RpcUrl!),
                    "is not an http:// or https:// URL" + after,
                    "Set-FabstirHostConfig -RpcUrl 'https://sepolia.base.org'");
            }

            if (chain.ChainId is long id && id <= 0)
            {
                yield return ConfigValue("chain.chainId", id.ToString(),
                    "is not a chain id (a positive whole number)" + after,
                    "Set-FabstirHostConfig -ChainId 84532");
            }

            foreach (KeyValuePair<string, string> contract in chain.Contracts ?? new Dictionary<string, string>())
            {
                ChainSetting? setting = ChainSetting.FindContract(contract.Key);
                if (setting == null)
                {
                    string known = string.Join(", ", ChainSetting.Contracts.Select(c => c.ConfigKey));
                    yield return Fail(DiagnosticArea.Config, ConfigCheckName,
                        $"chain.contracts in config.json names an unknown contract '{contract.Key}' " +
                        $"(known: {known}){after}.",
                        $"Remove '{contract.Key}' from chain.contracts in config.json");
                }
                else if (!Addresses.IsWellFormed(contract.Value ?? string.Empty))
                {
                    yield return ConfigValue($"chain.contracts.{contract.Key}", Addresses.Shown(contract.Value ?? ""),
                        "is not an address (0x and 40 hexadecimal digits)" + after,
                        $"Set-FabstirHostConfig -{setting.ConfigKey.Substring(0, 1).ToUpperInvariant()}" +
                        $"{setting.ConfigKey.Substring(1)}Address 0x<address>");
                }
            }
        }

        private static bool IsValid(Action check)
        {
            try
            {
                check();
                return true;
            }
            catch (FabstirException)
            {
                return false;
            }
        }

        private static FabstirDiagnostic ConfigValue(string field, string value, string problem, string remedy)
        {
            return Fail(DiagnosticArea.Config, ConfigCheckName,
                $"{field} '{value}' in config.json {problem}.", remedy);
        }
    }
}
