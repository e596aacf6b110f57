using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Builds the node's environment, its only configuration. The module's own secrets are removed
    /// from what is inherited; the private key is added later by the supervisor from its pipe.
    /// </summary>
    public static class NodeEnvironment
    {
        public const string NodePathVariable = "FABSTIR_NODE_PATH";
        public const string PrivateKeyVariable = "HOST_PRIVATE_KEY";

        /// <summary>Variables of the module that must never reach the supervisor or the node.</summary>
        public static readonly IReadOnlyList<string> SecretVariables = new[]
        {
            "FABSTIR_HOST_PRIVATE_KEY",
            PrivateKeyVariable,
            "FABSTIR_KEYSTORE_PASSWORD",
            "FABSTIR_KEYSTORE_PASSWORD_FILE",
        };

        public static bool IsSecret(string name)
        {
            foreach (string secret in SecretVariables)
            {
                if (string.Equals(name, secret, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            string upper = name.ToUpperInvariant();
            return upper.StartsWith("FABSTIR_", StringComparison.Ordinal)
                && (upper.Contains("PASSWORD") || upper.Contains("PRIVATE_KEY"));
        }

        /// <summary>The current process's environment without the module's secrets.</summary>
        public static Dictionary<string, string> Inherited()
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                string name = (string)entry.Key;
                if (!IsSecret(name))
                {
                    result[name] = (string?)entry.Value ?? string.Empty;
                }
            }

            return result;
        }

        /// <summary>The full environment of the node, without the key.</summary>
        public static Dictionary<string, string> Build(NodeLaunchOptions options, string modelPath)
        {
            Dictionary<string, string> environment = Inherited();
            environment["MODEL_PATH"] = modelPath;
            environment["API_PORT"] = options.ApiPort.ToString(CultureInfo.InvariantCulture);
            environment["P2P_PORT"] = options.EffectiveP2PPort.ToString(CultureInfo.InvariantCulture);
            if (!string.IsNullOrWhiteSpace(options.LogLevel))
            {
                environment["RUST_LOG"] = options.LogLevel!;
            }

            if (options.PrivateKey != null)
            {
                foreach (KeyValuePair<string, string> pair in options.ChainEnvironment)
                {
                    environment[pair.Key] = pair.Value;
                }
            }

            // The overrides were checked against config.json's rules before anything started.
            foreach (KeyValuePair<string, string> pair in options.Environment)
            {
                environment[pair.Key] = pair.Value;
            }

            return environment;
        }

        /// <summary>The node binary: the given path, else FABSTIR_NODE_PATH, else fabstir-llm-node on PATH.</summary>
        public static string? ResolveNodePath(string? given)
        {
            if (!string.IsNullOrWhiteSpace(given))
            {
                return Path.GetFullPath(given);
            }

            string? fromEnvironment = System.Environment.GetEnvironmentVariable(NodePathVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return Path.GetFullPath(fromEnvironment);
            }

            return FindOnPath(UnixNative.IsWindows ? "fabstir-llm-node.exe" : "fabstir-llm-node");
        }

        internal static string? FindOnPath(string fileName)
        {
            string? path = System.Environment.GetEnvironmentVariable("PATH");
            if (string.IsNullOrEmpty(path))
            {
                return null;
            }

            foreach (string directory in path!.Split(Path.PathSeparator))
            {
                if (directory.Length == 0)
                {
                    continue;
                }

                string candidate = Path.Combine(directory, fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
