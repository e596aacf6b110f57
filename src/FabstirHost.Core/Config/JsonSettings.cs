using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// One JSON shape for every file the module writes: camelCase property names, enums as names.
    /// Dictionary keys are written as they are: they are data (environment variable names such as
    /// RUST_BACKTRACE), which camel-casing would corrupt.
    /// </summary>
    public static class JsonSettings
    {
        public static readonly JsonSerializerSettings Indented = new JsonSerializerSettings
        {
            Formatting = Formatting.Indented,
            ContractResolver = new DefaultContractResolver
            {
                NamingStrategy = new CamelCaseNamingStrategy
                {
                    ProcessDictionaryKeys = false,
                    OverrideSpecifiedNames = true,
                },
            },
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new StringEnumConverter() },
            DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        };
    }
}
