using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace FabstirHost.Core.Config
{
    /// <summary>One JSON shape for every file the module writes: camelCase, enums as names.</summary>
    public static class JsonSettings
    {
        // Property names in camelCase, but dictionary keys as given: they are environment variable
        // names and contract names that must survive a round trip.
        private static readonly DefaultContractResolver CamelCase = new DefaultContractResolver
        {
            NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false },
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
    }
}
