using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// What host metadata may hold: JSON values only (strings, numbers, booleans, nested objects
    /// and arrays of those), nothing shaped like a secret at any depth, in names or values, and at
    /// most <see cref="MaxJsonBytes"/> bytes of JSON. Metadata is published on chain, for good.
    /// </summary>
    public static class MetadataRules
    {
        /// <summary>The largest metadata JSON sent, in UTF-8 bytes: 4 KiB.</summary>
        public const int MaxJsonBytes = 4096;

        /// <summary>How deep objects and arrays may nest.</summary>
        public const int MaxDepth = 16;

        private const string NameNotShown = "<name not shown>";

        private static readonly Regex SecretName = new Regex(
            "private|secret|passw|mnemonic|seed|api_?key|access_?key|auth|credential|bearer",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // Exactly 64 hex digits, with or without 0x, anywhere in the text: a longer run of hex
        // (a compressed public key has 66) is not a private key.
        private static readonly Regex PrivateKeyShape = new Regex(
            "(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])", RegexOptions.CultureInvariant);

        // BIP-39 words are 3 to 8 lowercase letters, and a phrase has 12 to 24 of them in steps of 3.
        private static readonly Regex MnemonicWord = new Regex("^[a-z]{3,8}$", RegexOptions.CultureInvariant);

        private static readonly int[] MnemonicLengths = { 12, 15, 18, 21, 24 };

        /// <summary>
        /// The fields as JSON; MetadataInvalid, naming the field and the type, for a value that is
        /// not a string, number, boolean, null, or a dictionary or list of those.
        /// </summary>
        public static JObject ToJson(IEnumerable<KeyValuePair<string, object?>> fields)
        {
            var json = new JObject();
            foreach (KeyValuePair<string, object?> field in fields)
            {
                json[field.Key] = ToJson(field.Value, field.Key, 2);
            }

            return json;
        }

        /// <summary>A dictionary of fields, its keys made text, as JSON, by the same rules.</summary>
        public static JObject ToJson(IDictionary fields)
        {
            return ObjectOf(fields, string.Empty, 1);
        }

        /// <summary>
        /// MetadataSecretRefused for the first name or value, at any depth, that looks like a
        /// secret; the secret itself is never shown, and a name that looks like one is not repeated.
        /// </summary>
        public static void RefuseSecrets(JObject fields)
        {
            foreach (JToken token in fields.Descendants())
            {
                string? why = null;
                string? shownName = null;
                if (token is JProperty property)
                {
                    why = NameReason(property.Name);
                    shownName = why != null && LooksLikeKey(property.Name) ? NameNotShown : property.Name;
                }

                if (why == null && token.Type == JTokenType.String)
                {
                    why = ValueReason((string?)token);
                    shownName = NameOf(token);
                }

                if (why != null)
                {
                    string path = ShownPath(token);
                    throw new FabstirException(
                        Registration.RegistrationErrors.MetadataSecretRefused,
                        FabstirErrorCategory.SecurityError,
                        $"The metadata field '{path}' was refused: {why}. Metadata is published on chain " +
                        "for anyone to read, for good, so it is not sent; the value is not shown. " +
                        "Remove the field or change it." + HashAdvice(why),
                        shownName);
                }
            }
        }

        /// <summary>
        /// The fields (and strings in lists) that <see cref="RefuseSecrets"/> would refuse, deepest
        /// last: what is on chain already is cleaned with it.
        /// </summary>
        public static IReadOnlyList<JToken> SecretTokens(JObject metadata)
        {
            var found = new List<JToken>();
            foreach (JToken token in metadata.Descendants())
            {
                if (token is JProperty property &&
                    (NameReason(property.Name) != null ||
                        (property.Value.Type == JTokenType.String && ValueReason((string?)property.Value) != null)))
                {
                    found.Add(property);
                }
                else if (token.Type == JTokenType.String && token.Parent is JArray &&
                    ValueReason((string?)token) != null)
                {
                    found.Add(token);
                }
            }

            return found;
        }

        /// <summary>
        /// The path of a token for a message, with any name shaped like a private key left out.
        /// </summary>
        public static string ShownPath(JToken token)
        {
            string path = token.Path;
            return PrivateKeyShape.Replace(path, NameNotShown);
        }

        /// <summary>MetadataInvalid, with the size and the limit, when the JSON is over 4 KiB.</summary>
        public static void CheckSize(string json)
        {
            int bytes = Encoding.UTF8.GetByteCount(json);
            if (bytes > MaxJsonBytes)
            {
                throw new FabstirException(
                    Registration.RegistrationErrors.MetadataInvalid,
                    FabstirErrorCategory.InvalidArgument,
                    $"The metadata would be {bytes} bytes of JSON; at most {MaxJsonBytes} bytes (4 KiB) " +
                    "are published, since every byte is stored on chain and paid for in gas. Nothing was " +
                    "sent. Shorten or remove fields (with Set-FabstirHost, a field set to $null is " +
                    "removed, and -Replace drops every field you set before).",
                    "-Metadata");
            }
        }

        private static JToken ToJson(object? value, string path, int depth)
        {
            if (depth > MaxDepth)
            {
                throw Invalid(path, $"it nests deeper than {MaxDepth} levels (does it hold itself?)");
            }

            switch (value)
            {
                case null:
                    return JValue.CreateNull();
                case string text:
                    return new JValue(text);
                case bool flag:
                    return new JValue(flag);
                case sbyte _:
                case byte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    return new JValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                case ulong large:
                    return new JValue(large);
                case BigInteger big:
                    return new JValue(big);
                case decimal number:
                    return new JValue(number);
                case float single when !float.IsNaN(single) && !float.IsInfinity(single):
                    return new JValue(single);
                case double real when !double.IsNaN(real) && !double.IsInfinity(real):
                    return new JValue(real);
                case float _:
                case double _:
                    throw Invalid(path, $"its value {value} is not a finite number");
                case IDictionary nested:
                    return ObjectOf(nested, path, depth);
                case IEnumerable items:
                    var array = new JArray();
                    int index = 0;
                    foreach (object? item in items)
                    {
                        array.Add(ToJson(item, $"{path}[{index}]", depth + 1));
                        index++;
                    }

                    return array;
                default:
                    throw Invalid(path, $"it holds a {value.GetType().Name} ({value.GetType().FullName})");
            }
        }

        private static JObject ObjectOf(IDictionary fields, string path, int depth)
        {
            var json = new JObject();
            foreach (DictionaryEntry entry in fields)
            {
                string name = entry.Key is string text
                    ? text
                    : entry.Key is IConvertible && !(entry.Key is DateTime)
                        ? Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!
                        : throw Invalid(path, $"a field name is a {entry.Key.GetType().Name}, not text");
                string child = path.Length == 0 ? name : $"{path}.{name}";
                JToken value = ToJson(entry.Value, child, depth + 1);

                // A nested field set to null is left out, as a top-level one is removed.
                if (depth > 1 && value.Type == JTokenType.Null)
                {
                    continue;
                }

                json[name] = value;
            }

            return json;
        }

        private static FabstirException Invalid(string path, string problem)
        {
            string shown = PrivateKeyShape.Replace(path, NameNotShown);
            return new FabstirException(
                Registration.RegistrationErrors.MetadataInvalid,
                FabstirErrorCategory.InvalidArgument,
                $"The metadata field '{shown}' cannot be published: {problem}. Metadata is JSON: give " +
                "strings, numbers, booleans, and hashtables or arrays of those (turn anything else into " +
                "a string first). Nothing was sent.",
                shown);
        }

        private static string? NameReason(string name)
        {
            if (LooksLikeKey(name))
            {
                return "its name is 64 hex digits, the shape of a private key";
            }

            return SecretName.IsMatch(name) ? "its name suggests a secret" : null;
        }

        private static string? ValueReason(string? value)
        {
            if (value == null)
            {
                return null;
            }

            if (LooksLikeKey(value))
            {
                return "its value holds 64 hex digits in a row, the shape of a private key (a sha256 " +
                    "hash has the same shape and cannot be told apart from one)";
            }

            return LooksLikeMnemonic(value)
                ? "its value is a phrase of lowercase words, the shape of a wallet's recovery phrase"
                : null;
        }

        /// <summary>True when the text holds a run of exactly 64 hexadecimal digits.</summary>
        internal static bool LooksLikeKey(string text) => PrivateKeyShape.IsMatch(text);

        private static bool LooksLikeMnemonic(string text)
        {
            string[] words = text.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            return MnemonicLengths.Contains(words.Length) && words.All(w => MnemonicWord.IsMatch(w));
        }

        private static string HashAdvice(string why)
        {
            return why.Contains("sha256")
                ? " To publish a hash, give fewer than its 64 digits (a model's full sha256 is already " +
                    "published by the ModelRegistry with the model)."
                : string.Empty;
        }

        // A string in a list is reported under the field that holds the list.
        private static string? NameOf(JToken token)
        {
            for (JToken? current = token; current != null; current = current.Parent)
            {
                if (current is JProperty property)
                {
                    return LooksLikeKey(property.Name) ? NameNotShown : property.Name;
                }
            }

            return null;
        }
    }
}
