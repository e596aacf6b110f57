using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// The host's metadata JSON: parsed for display, merged with changes so fields such as
    /// <c>publicKey</c> survive, and kept free of anything that looks like a secret (it is public).
    /// </summary>
    public static class HostMetadata
    {
        // Key names are compared lower-cased with separators removed: private_key = privateKey.
        private static readonly string[] SecretWords =
        {
            "privatekey", "secret", "password", "passwd", "passphrase", "mnemonic", "seed", "apikey",
            "accesskey", "authtoken", "accesstoken", "bearer", "credential", "keystore",
        };

        private static readonly Regex Separators = new Regex("[^a-z0-9]", RegexOptions.CultureInvariant);

        /// <summary>True when a key name looks like it holds a secret.</summary>
        public static bool LooksSecret(string key)
        {
            string normalised = Separators.Replace(key.ToLowerInvariant(), string.Empty);
            return SecretWords.Any(word => normalised.Contains(word));
        }

        /// <summary>The metadata as a dictionary (nested objects and arrays kept); empty if not JSON.</summary>
        public static IReadOnlyDictionary<string, object?> Parse(string? metadata)
        {
            JObject? json = TryParse(metadata);
            return json == null ? new Dictionary<string, object?>() : ToDictionary(json);
        }

        /// <summary>
        /// The new metadata JSON: <paramref name="changes"/> merged over the current JSON (or
        /// replacing it). <c>MetadataSecretKey</c> for any key, at any depth, that looks secret.
        /// A secret-looking key already on chain is dropped with a warning: it must not be
        /// published again.
        /// </summary>
        public static string Merge(
            string? current,
            IDictionary changes,
            bool replace,
            IOperationLog log)
        {
            JObject update = ToJObject(changes);
            RefuseSecrets(update, "-Metadata");
            JObject result = replace ? new JObject() : TryParse(current) ?? new JObject();
            if (!replace && !string.IsNullOrWhiteSpace(current) && TryParse(current) == null)
            {
                log.Warning("The metadata on chain is not a JSON object; it is replaced by the new fields.");
            }

            foreach (var property in update.Properties())
            {
                result[property.Name] = property.Value.DeepClone();
            }

            foreach (string path in SecretPaths(result).ToList())
            {
                log.Warning($"The metadata on chain holds '{path}', which looks like a secret; it is " +
                    "left out of the new metadata. Anything published on chain stays readable in its " +
                    "history: treat that secret as exposed and replace it.");
                result.SelectToken(path)?.Parent?.Remove();
            }

            if (!result.HasValues)
            {
                throw new FabstirException(
                    HostManagementErrors.MetadataInvalid,
                    FabstirErrorCategory.InvalidArgument,
                    "The new metadata would be empty; the registry refuses empty metadata. Give at least " +
                    "one field.",
                    "-Metadata");
            }

            return result.ToString(Formatting.None);
        }

        /// <summary>True when two metadata strings hold the same JSON (or the same text).</summary>
        public static bool SameAs(string? a, string? b)
        {
            JObject? left = TryParse(a);
            JObject? right = TryParse(b);
            return left != null && right != null ? JToken.DeepEquals(left, right) : a == b;
        }

        private static void RefuseSecrets(JObject update, string source)
        {
            string? path = SecretPaths(update).FirstOrDefault();
            if (path != null)
            {
                throw new FabstirException(
                    HostManagementErrors.MetadataSecretKey,
                    FabstirErrorCategory.SecurityError,
                    $"The metadata key '{path}' looks like a secret. Metadata is public on chain, " +
                    "for anyone to read forever; it is refused and nothing was sent.",
                    path);
            }
        }

        private static IEnumerable<string> SecretPaths(JContainer token)
        {
            foreach (JProperty property in token.Descendants().OfType<JProperty>())
            {
                if (LooksSecret(property.Name))
                {
                    yield return property.Path;
                }
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

        private static JObject ToJObject(IDictionary dictionary)
        {
            var json = new JObject();
            foreach (DictionaryEntry entry in dictionary)
            {
                json[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!] =
                    ToJToken(entry.Value);
            }

            return json;
        }

        private static JToken ToJToken(object? value)
        {
            switch (value)
            {
                case null:
                    return JValue.CreateNull();
                case IDictionary nested:
                    return ToJObject(nested);
                case string text:
                    return new JValue(text);
                case IEnumerable items:
                    return new JArray(items.Cast<object?>().Select(ToJToken));
                default:
                    return JToken.FromObject(value);
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
