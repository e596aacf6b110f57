using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FabstirHost.Core.Config;
using Nethereum.Hex.HexConvertors.Extensions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// The metadata JSON a host publishes: its compressed secp256k1 public key (clients encrypt
    /// sessions to it) and facts this machine can state about itself, with the user's own fields
    /// merged over them. Nothing is invented, and nothing that looks like a secret is published.
    /// </summary>
    public static class HostMetadata
    {
        public const string PublicKeyField = "publicKey";

        private static readonly Regex SecretName = new Regex(
            "private|secret|passw|mnemonic|seed|api_?key|access_?key|auth|credential|bearer",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex SecretValue = new Regex(
            "^(0x)?[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant);

        /// <summary>The compressed public key of the host key, 0x and 66 hex digits.</summary>
        public static string PublicKeyOf(HostKey key)
        {
            return key.EcKey.GetPubKey(true).ToHex(true);
        }

        /// <summary>Facts about this machine: operating system, architecture, CPUs, memory.</summary>
        public static JObject MachineFacts()
        {
            var facts = new JObject
            {
                ["os"] = RuntimeInformation.OSDescription.Trim(),
                ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
                ["cpuCount"] = Environment.ProcessorCount,
            };

            long? memory = TotalMemoryBytes();
            if (memory.HasValue)
            {
                facts["memoryGB"] = Math.Round(memory.Value / (1024.0 * 1024 * 1024), 1);
            }

            return facts;
        }

        /// <summary>
        /// The metadata to publish: what is on chain now (so fields set elsewhere survive), then the
        /// machine's facts, then the user's fields, then the public key, which nothing overrides.
        /// </summary>
        internal static JObject Build(
            string? onChain,
            JObject facts,
            IDictionary<string, object?> user,
            string publicKey)
        {
            JObject merged = ParseOrEmpty(onChain);
            merged.Merge(facts);
            foreach (KeyValuePair<string, object?> field in user)
            {
                merged[field.Key] = field.Value == null
                    ? JValue.CreateNull()
                    : JToken.FromObject(field.Value);
            }

            merged[PublicKeyField] = publicKey;
            return merged;
        }

        /// <summary>True when the chain already holds exactly these fields and values.</summary>
        internal static bool SameAs(string? onChain, JObject wanted)
        {
            return onChain != null && JToken.DeepEquals(ParseOrEmpty(onChain), wanted);
        }

        internal static string ToJson(JObject metadata) => metadata.ToString(Formatting.None);

        /// <summary>
        /// Refuses fields whose name or value looks like a secret: the metadata is public forever.
        /// </summary>
        public static void RefuseSecrets(IDictionary<string, object?> user)
        {
            foreach (KeyValuePair<string, object?> field in user)
            {
                string? value = field.Value as string;
                bool secretName = SecretName.IsMatch(field.Key);
                bool secretValue = value != null && SecretValue.IsMatch(value.Trim());
                if (secretName || secretValue)
                {
                    string why = secretName
                        ? "its name suggests a secret"
                        : "its value looks like a private key";
                    throw new FabstirException(
                        RegistrationErrors.MetadataSecretRefused,
                        FabstirErrorCategory.SecurityError,
                        $"The metadata field '{field.Key}' was refused: {why}, and metadata is published " +
                        "on chain for anyone to read. The value is not shown. Remove the field.",
                        field.Key);
                }

                if (string.Equals(field.Key, PublicKeyField, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FabstirException(
                        RegistrationErrors.MetadataInvalid,
                        FabstirErrorCategory.InvalidArgument,
                        $"The metadata field '{field.Key}' is set from the host key and cannot be given.",
                        field.Key);
                }
            }
        }

        private static JObject ParseOrEmpty(string? json)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                return new JObject();
            }

            try
            {
                return JToken.Parse(json!) as JObject ?? new JObject();
            }
            catch (JsonException)
            {
                // Metadata written by another tool need not be JSON; it is replaced, not merged.
                return new JObject();
            }
        }

        private static long? TotalMemoryBytes()
        {
            const string meminfo = "/proc/meminfo";
            if (!File.Exists(meminfo))
            {
                return null;
            }

            string? line = File.ReadLines(meminfo)
                .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            string[] parts = (line ?? string.Empty)
                .Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 ||
                !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes))
            {
                return null;
            }

            return kilobytes * 1024;
        }
    }
}
