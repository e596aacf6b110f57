using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// Changes to the host's metadata JSON: merged over what is on chain so fields such as
    /// <c>publicKey</c> survive (or replacing it), parsed for display, and kept free of anything
    /// registration's rules take for a secret, at any depth: the metadata is public forever.
    /// </summary>
    public static class HostMetadataMerge
    {
        /// <summary>The metadata as a dictionary (nested objects and arrays kept); empty if not JSON.</summary>
        public static IReadOnlyDictionary<string, object?> Parse(string? metadata)
        {
            JObject? json = TryParse(metadata);
            return json == null ? new Dictionary<string, object?>() : ToDictionary(json);
        }

        /// <summary>
        /// The new metadata JSON: <paramref name="changes"/> merged over the current JSON, where a
        /// field set to null is removed; or, with <paramref name="replace"/>, replacing every field
        /// but the publicKey, which comes from the host key and is always kept. MetadataInvalid for
        /// a value that is not JSON or metadata over 4 KiB; MetadataSecretRefused for any field, at
        /// any depth, that looks secret. A secret-looking field already on chain (the old host CLI
        /// published one) is dropped with a warning: it must not be published again.
        /// </summary>
        public static string Merge(
            string? current,
            IDictionary changes,
            bool replace,
            IOperationLog log)
        {
            JObject update = MetadataRules.ToJson(changes);
            Registration.HostMetadata.RefuseSecrets(update);
            JObject? onChain = TryParse(current);
            if (!string.IsNullOrWhiteSpace(current) && onChain == null)
            {
                log.Warning("The metadata on chain is not a JSON object; it is replaced by the new fields.");
            }

            JObject result = onChain ?? new JObject();
            if (replace)
            {
                result = new JObject();
                JToken? publicKey = onChain?[Registration.HostMetadata.PublicKeyField];
                if (publicKey != null)
                {
                    result[Registration.HostMetadata.PublicKeyField] = publicKey.DeepClone();
                }
            }

            foreach (var property in update.Properties())
            {
                if (property.Value.Type == JTokenType.Null)
                {
                    result.Remove(property.Name);
                }
                else
                {
                    result[property.Name] = property.Value.DeepClone();
                }
            }

            DropSecrets(result, log);
            if (!result.HasValues)
            {
                throw new FabstirException(
                    HostManagementErrors.MetadataInvalid,
                    FabstirErrorCategory.InvalidArgument,
                    "The new metadata would be empty; the registry refuses empty metadata. Give at least " +
                    "one field.",
                    "-Metadata");
            }

            string json = result.ToString(Formatting.None);
            MetadataRules.CheckSize(json);
            return json;
        }

        /// <summary>
        /// The metadata without the fields that look secret, each dropped with a warning; the text
        /// unchanged when it is not a JSON object. Keeps an old tool's leak from being published again.
        /// </summary>
        public static string? WithoutSecrets(string? metadata, IOperationLog log)
        {
            JObject? json = TryParse(metadata);
            if (json == null)
            {
                return metadata;
            }

            DropSecrets(json, log);
            return json.ToString(Formatting.None);
        }

        /// <summary>True when two metadata strings hold the same JSON (or the same text).</summary>
        public static bool SameAs(string? a, string? b)
        {
            JObject? left = TryParse(a);
            JObject? right = TryParse(b);
            return left != null && right != null ? JToken.DeepEquals(left, right) : a == b;
        }

        private static void DropSecrets(JObject metadata, IOperationLog log)
        {
            foreach (JToken token in MetadataRules.SecretTokens(metadata))
            {
                log.Warning($"The metadata on chain holds '{MetadataRules.ShownPath(token)}', which looks " +
                    "like a secret; it is left out of the new metadata. Anything published on chain stays " +
                    "readable in its history: treat that secret as exposed and replace it.");
                token.Remove();
            }
        }

        private static JObject? TryParse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JToken.Parse(text!) as JObject;
            }
            catch (JsonReaderException)
            {
                return null;
            }
        }

        private static Dictionary<string, object?> ToDictionary(JObject json)
        {
            return json.Properties().ToDictionary(p => p.Name, p => FromJToken(p.Value));
        }

        private static object? FromJToken(JToken token)
        {
            switch (token)
            {
                case JObject nested:
                    return ToDictionary(nested);
                case JArray array:
                    return array.Select(FromJToken).ToList();
                case JValue value:
                    return value.Value;
                default:
                    return token.ToString();
            }
        }
    }
}
