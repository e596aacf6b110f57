using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace FabstirHost.Core.Config
{
    /// <summary>One JSON shape for every file the module writes: camelCase, enums as names.</summary>
    public static class JsonSettings
    {
        public static readonly JsonSerializerSettings Indented = new JsonSerializerSettings
        {
            Formatting = Formatting.Indented,
            ContractResolver = new CamelCasePropertyNamesContractResolver(),
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new StringEnumConverter() },
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        };

        /// <summary>The same shape on one line, for line-based protocols.</summary>
        public static readonly JsonSerializerSettings Compact = new JsonSerializerSettings
        {
            Formatting = Formatting.None,
            ContractResolver = new CamelCasePropertyNamesContractResolver(),
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new StringEnumConverter() },
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        };
    }
}
