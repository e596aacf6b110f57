using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Chain
{
    /// <summary>Values given explicitly for one command (cmdlet parameters); null = not given.</summary>
    public sealed class ChainProfileOverrides
    {
        public long? ChainId { get; set; }

        public string? RpcUrl { get; set; }

        /// <summary>Contract addresses by <see cref="ChainSetting"/>.</summary>
        public Dictionary<ChainSetting, string> Contracts { get; } = new Dictionary<ChainSetting, string>();
    }

    /// <summary>
    /// Builds the chain profile for a command. Each value is taken from the first source that has
    /// it: the command's parameters, then the environment (the node's own names, <c>RPC_URL</c>,
    /// <c>CONTRACT_NODE_REGISTRY</c>, ..., and <c>FABSTIR_CHAIN_ID</c>), then the saved
    /// configuration (<c>chain</c> in config.json), then Base Sepolia. The environment wins over
    /// the configuration so a runbook can redirect one run without editing the saved file.
    /// </summary>
    public static class ChainProfileResolver
    {
        public const string ChainIdVariable = "FABSTIR_CHAIN_ID";

        public static ChainProfile Resolve(
            ChainProfileOverrides? overrides,
            ChainSettings? configuration,
            IDictionary? environment = null,
            IOperationLog? log = null)
        {
            overrides ??= new ChainProfileOverrides();
            environment ??= Environment.GetEnvironmentVariables();
            log ??= NullOperationLog.Instance;
            var defaults = ChainProfile.BaseSepolia;
            bool changed = false;

            long chainId = ResolveChainId(overrides, configuration, environment, log, ref changed);
            string rpcUrl = ValidRpcUrl(Pick(
                ChainSetting.RpcUrl,
                overrides.RpcUrl,
                environment,
                configuration?.RpcUrl,
                defaults.RpcUrl,
                log,
                ref changed));

            var contractConfiguration = ReadContractConfiguration(configuration);
            string Contract(ChainSetting setting, string fallback)
            {
                overrides.Contracts.TryGetValue(setting, out string? given);
                contractConfiguration.TryGetValue(setting, out string? saved);
                string value = Pick(setting, given, environment, saved, fallback, log, ref changed);
                return ValidAddress(setting, value);
            }

            return new ChainProfile(
                changed ? "Custom" : defaults.Name,
                chainId,
                rpcUrl,
                nodeRegistry: Contract(ChainSetting.NodeRegistry, defaults.NodeRegistry),
                modelRegistry: Contract(ChainSetting.ModelRegistry, defaults.ModelRegistry),
                hostEarnings: Contract(ChainSetting.HostEarnings, defaults.HostEarnings),
                jobMarketplace: Contract(ChainSetting.JobMarketplace, defaults.JobMarketplace),
                proofSystem: Contract(ChainSetting.ProofSystem, defaults.ProofSystem),
                fabToken: Contract(ChainSetting.FabToken, defaults.FabToken),
                usdcToken: Contract(ChainSetting.UsdcToken, defaults.UsdcToken));
        }

        /// <summary>Throws <c>InvalidContractAddress</c> unless the text is 0x and 40 hex digits.</summary>
        public static string ValidAddress(ChainSetting setting, string address)
        {
            if (!Addresses.IsWellFormed(address))
            {
                throw new FabstirException(
                    "InvalidContractAddress",
                    FabstirErrorCategory.InvalidArgument,
                    $"The {setting.DisplayName} address '{address}' is not an address: expected 0x " +
                    $"followed by 40 hexadecimal digits (set by a parameter, {setting.EnvironmentName} " +
                    "or config.json).",
                    address);
            }

            return address;
        }

        private static long ResolveChainId(
            ChainProfileOverrides overrides,
            ChainSettings? configuration,
            IDictionary environment,
            IOperationLog log,
            ref bool changed)
        {
            if (overrides.ChainId.HasValue)
            {
                changed |= overrides.ChainId.Value != ChainProfile.BaseSepoliaChainId;
                return ValidChainId(overrides.ChainId.Value, "the -ChainId parameter");
            }

            if (environment[ChainIdVariable] is string text && text.Length > 0)
            {
                if (!long.TryParse(
                    text, NumberStyles.None, CultureInfo.InvariantCulture, out long fromEnvironment))
                {
                    throw new FabstirException(
                        "InvalidChainId",
                        FabstirErrorCategory.InvalidArgument,
                        $"{ChainIdVariable}='{text}' is not a chain id: expected a positive whole number " +
                        "such as 84532.",
                        text);
                }

                log.Verbose($"Chain id {fromEnvironment} from {ChainIdVariable}.");
                changed |= fromEnvironment != ChainProfile.BaseSepoliaChainId;
                return ValidChainId(fromEnvironment, ChainIdVariable);
            }

            if (configuration?.ChainId is long saved)
            {
                changed |= saved != ChainProfile.BaseSepoliaChainId;
                return ValidChainId(saved, "config.json");
            }

            return ChainProfile.BaseSepoliaChainId;
        }

        private static long ValidChainId(long chainId, string source)
        {
            if (chainId <= 0)
            {
                throw new FabstirException(
                    "InvalidChainId",
                    FabstirErrorCategory.InvalidArgument,
                    $"The chain id {chainId} from {source} is not valid: expected a positive number " +
                    "such as 84532.",
                    chainId);
            }

            return chainId;
        }

        private static string Pick(
            ChainSetting setting,
            string? given,
            IDictionary environment,
            string? saved,
            string fallback,
            IOperationLog log,
            ref bool changed)
        {
            string? value;
            string source;
            if (!string.IsNullOrWhiteSpace(given))
            {
                (value, source) = (given, "a parameter");
            }
            else if (environment[setting.EnvironmentName] is string fromEnvironment &&
                !string.IsNullOrWhiteSpace(fromEnvironment))
            {
                (value, source) = (fromEnvironment, setting.EnvironmentName);
            }
            else if (!string.IsNullOrWhiteSpace(saved))
            {
                (value, source) = (saved, "config.json");
            }
            else
            {
                return fallback;
            }

            value = value!.Trim();
            if (!string.Equals(value, fallback, StringComparison.OrdinalIgnoreCase))
            {
                changed = true;
                string shown = setting.IsAddress ? value : "overridden";
                log.Verbose($"{setting.DisplayName} {shown} from {source}.");
            }

            return value;
        }

        private static Dictionary<ChainSetting, string> ReadContractConfiguration(
            ChainSettings? configuration)
        {
            var result = new Dictionary<ChainSetting, string>();
            if (configuration?.Contracts == null)
            {
                return result;
            }

            foreach (var entry in configuration.Contracts)
            {
                ChainSetting setting = ChainSetting.FindContract(entry.Key) ?? throw new FabstirException(
                    "InvalidChainConfiguration",
                    FabstirErrorCategory.InvalidData,
                    $"config.json names an unknown contract '{entry.Key}' under chain.contracts. " +
                    "Known names: " +
                    string.Join(", ", ChainSetting.Contracts.Select(c => c.ConfigKey)) + ".",
                    entry.Key);
                result[setting] = entry.Value;
            }

            return result;
        }

        /// <summary>Throws <c>InvalidRpcUrl</c> unless the text is an absolute http:// or https:// URL.</summary>
        public static string ValidRpcUrl(string rpcUrl)
        {
            if (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out Uri? uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FabstirException(
                    "InvalidRpcUrl",
                    FabstirErrorCategory.InvalidArgument,
                    $"The RPC URL '{rpcUrl}' is not a valid http:// or https:// URL. Check the scheme, " +
                    "the host and the port (1 to 65535), e.g. https://sepolia.base.org or http://127.0.0.1:8545.",
                    rpcUrl);
            }

            return rpcUrl;
        }
    }
}
