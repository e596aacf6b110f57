using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Text;
using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;

namespace FabstirHost.Commands
{
    /// <summary>What the node cmdlets share: settings from parameters and configuration, the key.</summary>
    internal static class NodeCommandSupport
    {
        /// <summary>The paths of the instance a piped node belongs to, else of this session.</summary>
        public static FabstirPaths PathsOf(FabstirNode? node, FabstirPaths fallback)
        {
            return node == null || string.IsNullOrEmpty(node.Home) ? fallback : new FabstirPaths(node.Home);
        }

        public static Dictionary<string, string> ToDictionary(Hashtable? table)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (table == null)
            {
                return result;
            }

            foreach (DictionaryEntry entry in table)
            {
                result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] =
                    Convert.ToString(entry.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            }

            return result;
        }

        /// <summary>
        /// The key for the node's HOST_PRIVATE_KEY, found in the one order every command uses
        /// (parameter, FABSTIR_HOST_PRIVATE_KEY, HOST_PRIVATE_KEY, the keystore). Without any key
        /// the node runs without encrypted sessions and payment checkpoints; a keystore that
        /// cannot be unlocked is an error, so a registered host never silently runs unpaid.
        /// </summary>
        public static SecureString? ResolveKey(FabstirPaths paths, KeyRequest request, Action<string> verbose)
        {
            if (request.PrivateKey == null && !HasEnvironmentKey() && !HostKeyStore.Exists(paths))
            {
                verbose("Private key: none; the node runs without encrypted sessions and checkpoints.");
                return null;
            }

            using (HostKey key = KeyResolver.Resolve(paths, request))
            {
                verbose($"Private key: for {key.Address}, from {key.Source}.");
                return KeyResolver.ToSecure(key.EcKey.GetPrivateKey());
            }
        }

        /// <summary>A key request that prompts through this cmdlet's host when it can.</summary>
        public static KeyRequest KeyRequestFor(
            PSCmdlet cmdlet,
            SecureString? privateKey,
            SecureString? password,
            string? passwordFile)
        {
            return new KeyRequest
            {
                PrivateKey = privateKey,
                KeystorePassword = password,
                KeystorePasswordFile = passwordFile == null
                    ? null
                    : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(passwordFile),
                PromptForPassword = purpose => SecretPrompt.Read(cmdlet, purpose),
            };
        }

        private static bool HasEnvironmentKey()
        {
            return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(KeyResolver.FabstirKeyVariable)) ||
                !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(KeyResolver.NodeKeyVariable));
        }

        /// <summary>The chain variables the node reads (RPC_URL, CONTRACT_*, *_TOKEN) from the profile.</summary>
        public static void AddChainEnvironment(NodeLaunchOptions options, HostConfig? config)
        {
            ChainSettings? chain = config?.Chain;
            if (chain == null)
            {
                return;
            }

            if (!string.IsNullOrWhiteSpace(chain.RpcUrl))
            {
                options.ChainEnvironment["RPC_URL"] = chain.RpcUrl!;
            }

            if (chain.Contracts == null)
            {
                return;
            }

            foreach (KeyValuePair<string, string> contract in chain.Contracts)
            {
                string name = ToEnvironmentName(contract.Key);
                bool known = name.StartsWith("CONTRACT_", StringComparison.Ordinal)
                    || name.EndsWith("_TOKEN", StringComparison.Ordinal);
                if (!known)
                {
                    name = "CONTRACT_" + name;
                }

                options.ChainEnvironment[name] = contract.Value;
            }
        }

        /// <summary>JobMarketplace or jobMarketplace becomes JOB_MARKETPLACE; upper-case names stay.</summary>
        internal static string ToEnvironmentName(string name)
        {
            var builder = new StringBuilder();
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]))
                {
                    builder.Append('_');
                }

                builder.Append(c == '-' ? '_' : char.ToUpperInvariant(c));
            }

            return builder.ToString();
        }

        public static NodeLaunchOptions FromSettings(FabstirPaths paths, NodeSettings settings)
        {
            var options = new NodeLaunchOptions(paths)
            {
                NodePath = settings.NodePath,
                ModelPath = settings.ModelPath,
                ApiPort = settings.ApiPort,
                P2PPort = settings.P2PPort,
                LogLevel = settings.LogLevel,
            };
            if (settings.MaxRestarts.HasValue)
            {
                options.MaxRestarts = settings.MaxRestarts.Value;
            }

            if (settings.RestartDelayMs.HasValue)
            {
                options.RestartDelay = TimeSpan.FromMilliseconds(settings.RestartDelayMs.Value);
            }

            if (settings.Environment != null)
            {
                foreach (KeyValuePair<string, string> pair in settings.Environment)
                {
                    options.Environment[pair.Key] = pair.Value;
                }
            }

            return options;
        }

        /// <summary>
        /// A path typed into config.json by hand is relative to the home folder, never to wherever
        /// the shell happens to be when the node is started again after a reboot.
        /// </summary>
        public static string? FromHome(FabstirPaths paths, string? configuredPath)
        {
            return string.IsNullOrWhiteSpace(configuredPath) || System.IO.Path.IsPathRooted(configuredPath)
                ? configuredPath
                : System.IO.Path.Combine(paths.Home, configuredPath);
        }

        /// <summary>The configured binary; a bare name such as fabstir-llm-node is looked up on PATH.</summary>
        public static string? NodePathFromConfig(FabstirPaths paths, string? configuredPath)
        {
            bool commandName = configuredPath != null && configuredPath.IndexOfAny(new[] { '/', '\\' }) < 0;
            return commandName ? configuredPath : FromHome(paths, configuredPath);
        }

        public static FabstirException SettingsMissing(FabstirPaths paths)
        {
            return new FabstirException(
                "NodeSettingsMissing",
                FabstirErrorCategory.InvalidArgument,
                "There is no node to start: no -ModelPath was given and the configuration " +
                $"'{paths.ConfigFile}' names no model. Run 'Start-FabstirNode -ModelPath <file.gguf> " +
                "[-NodePath <fabstir-llm-node>] [-Port <port>]' once; later starts reuse those settings.",
                paths.ConfigFile)
            {
                RecommendedAction = "Start-FabstirNode -ModelPath <path to a .gguf model>",
            };
        }
    }
}
