using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
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
            foreach (JProperty field in MetadataRules.ToJson(user).Properties())
            {
                // A field set to null is removed, not published as null.
                if (field.Value.Type == JTokenType.Null)
                {
                    merged.Remove(field.Name);
                }
                else
                {
                    merged[field.Name] = field.Value;
                }
            }

            merged[PublicKeyField] = publicKey;
            return merged;
        }

        /// <summary>True when the chain already holds exactly these fields and values.</summary>
        internal static bool SameAs(string? onChain, JObject wanted)
        {
            return onChain != null && JToken.DeepEquals(ParseOrEmpty(onChain), wanted);
        }

        /// <summary>The metadata as sent; MetadataInvalid when it is over the 4 KiB limit.</summary>
        internal static string ToJson(JObject metadata)
        {
            string json = metadata.ToString(Formatting.None);
            MetadataRules.CheckSize(json);
            return json;
        }

        /// <summary>
        /// Refuses, at any depth, values that are not JSON (MetadataInvalid), names or values that
        /// look like a secret (MetadataSecretRefused: the metadata is public forever), and a
        /// publicKey field (MetadataInvalid: it comes from the host key).
        /// </summary>
        public static void RefuseSecrets(IDictionary<string, object?> user)
        {
            RefuseSecrets(MetadataRules.ToJson(user));
        }

        internal static void RefuseSecrets(JObject json)
        {
            MetadataRules.RefuseSecrets(json);
            JProperty? given = json.Descendants().OfType<JProperty>().FirstOrDefault(p =>
                string.Equals(p.Name, PublicKeyField, StringComparison.OrdinalIgnoreCase));
            if (given != null)
            {
                throw new FabstirException(
                    RegistrationErrors.MetadataInvalid,
                    FabstirErrorCategory.InvalidArgument,
                    $"The metadata field '{given.Path}' is set from the host key and cannot be given. " +
                    "Remove it.",
                    given.Name);
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
