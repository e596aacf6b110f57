using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
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
        private static readonly string[] KeyVariables =
        {
            "FABSTIR_HOST_PRIVATE_KEY",
            NodeEnvironment.PrivateKeyVariable,
        };

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

        /// <summary>The key: the parameter, else FABSTIR_HOST_PRIVATE_KEY, else HOST_PRIVATE_KEY.</summary>
        public static SecureString? ResolveKey(SecureString? given, Action<string> verbose)
        {
            if (given != null)
            {
                verbose("Private key: from -PrivateKey.");
                return given;
            }

            foreach (string variable in KeyVariables)
            {
                string? value = Environment.GetEnvironmentVariable(variable);
                if (!string.IsNullOrEmpty(value))
                {
                    verbose($"Private key: from the environment variable {variable}.");
                    var secure = new SecureString();
                    foreach (char c in value!)
                    {
                        secure.AppendChar(c);
                    }

                    secure.MakeReadOnly();
                    return secure;
                }
            }

            verbose("Private key: none; the node runs without encrypted sessions and checkpoints.");
            return null;
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
            if (settings.Environment != null)
            {
                foreach (KeyValuePair<string, string> pair in settings.Environment)
                {
                    options.Environment[pair.Key] = pair.Value;
                }
            }

            return options;
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
