using System;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace FabstirHost.Core.Config
{
    /// <summary>One JSON shape for every file the module writes: camelCase, enums as names.</summary>
    public static class JsonSettings
    {
        // Property names in camelCase, but dictionary keys as given: they are environment variable
        // names and contract names that must survive a round trip.
        private static readonly NamingStrategy Names = new AcronymCamelCaseNamingStrategy
        {
            ProcessDictionaryKeys = false,
        };

        private static readonly DefaultContractResolver CamelCase = new DefaultContractResolver
        {
            NamingStrategy = Names,
        };

        public static readonly JsonSerializerSettings Indented = new JsonSerializerSettings
        {
            Formatting = Formatting.Indented,
            ContractResolver = CamelCase,
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new StringEnumConverter() },
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        };

        /// <summary>The same shape on one line, for line-based protocols.</summary>
        public static readonly JsonSerializerSettings Compact = new JsonSerializerSettings
        {
            Formatting = Formatting.None,
            ContractResolver = CamelCase,
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new StringEnumConverter() },
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        };

        /// <summary>The name a .NET property is written under, e.g. <c>P2PPort</c> as <c>p2pPort</c>.</summary>
        public static string PropertyName(string clrName)
        {
            return Names.GetPropertyName(clrName, hasSpecifiedName: false);
        }

        /// <summary>
        /// Sets the field of a .NET property in a JSON object edited in place, or removes it when
        /// <paramref name="value"/> is null. Fields spelled with other letter case (as older
        /// versions or a hand edit wrote them) are replaced too, since reading ignores case and
        /// a stale twin could otherwise win.
        /// </summary>
        public static void SetField(JObject json, string clrName, JToken? value)
        {
            string name = PropertyName(clrName);
            foreach (JProperty twin in json.Properties()
                .Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Name != name)
                .ToList())
            {
                twin.Remove();
            }

            if (value == null)
            {
                json.Remove(name);
            }
            else
            {
                json[name] = value;
            }
        }

        /// <summary>
        /// camelCase that keeps a leading acronym with digits in one piece: <c>P2PPort</c> becomes
        /// <c>p2pPort</c>, where the stock strategy stops at the digit and writes <c>p2PPort</c>.
        /// </summary>
        private sealed class AcronymCamelCaseNamingStrategy : CamelCaseNamingStrategy
        {
            protected override string ResolvePropertyName(string name)
            {
                int acronym = 0;
                while (acronym < name.Length && (char.IsUpper(name[acronym]) || char.IsDigit(name[acronym])))
                {
                    acronym++;
                }

                // In "P2PPort" the last capital of the run starts the next word, "Port".
                bool wordFollows = acronym < name.Length && acronym > 1 && char.IsLower(name[acronym]);
                int lowered = wordFollows ? acronym - 1 : acronym;
                if (lowered <= 1)
                {
                    return base.ResolvePropertyName(name);
                }

                return name.Substring(0, lowered).ToLowerInvariant() + name.Substring(lowered);
            }
        }
    }
}
