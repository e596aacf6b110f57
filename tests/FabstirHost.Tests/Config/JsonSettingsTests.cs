using FabstirHost.Core.Config;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace FabstirHost.Tests.Config
{
    public sealed class JsonSettingsTests : IDisposable
    {
        private readonly TempHome _home = new();

        public void Dispose() => _home.Dispose();

        [Theory]
        [InlineData("P2PPort", "p2pPort")]
        [InlineData("ApiPort", "apiPort")]
        [InlineData("RpcUrl", "rpcUrl")]
        [InlineData("USDC", "usdc")]
        [InlineData("Sha256", "sha256")]
        [InlineData("ChainId", "chainId")]
        public void WritesPropertiesInCamelCaseKeepingALeadingAcronymWhole(string clrName, string expected)
        {
            Assert.Equal(expected, JsonSettings.PropertyName(clrName));
        }

        [Fact]
        public void TheStateFileUsesTheSameNames()
        {
            string json = JsonConvert.SerializeObject(new NodeSettings { P2PPort = 9001 }, JsonSettings.Compact);

            Assert.Contains("\"p2pPort\":9001", json);
        }

        [Fact]
        public void SettingAFieldReplacesItsTwinsOfOtherLetterCase()
        {
            var json = JObject.Parse("""{ "p2PPort": 9000, "P2PPORT": 9002, "apiPort": 8080 }""");

            JsonSettings.SetField(json, nameof(HostConfig.P2PPort), 9100);

            Assert.Equal("""{"apiPort":8080,"p2pPort":9100}""", json.ToString(Formatting.None));
            Assert.Equal(9100, json.ToObject<HostConfig>(JsonSerializer.Create(JsonSettings.Indented))!.P2PPort);
        }

        [Fact]
        public void SettingAFieldToNullRemovesItAndItsTwins()
        {
            var json = JObject.Parse("""{ "LogLevel": "debug", "logLevel": "info" }""");

            JsonSettings.SetField(json, nameof(HostConfig.LogLevel), null);

            Assert.Empty(json.Properties());
        }

        [Fact]
        public void ASuccessfulStartRewritesAnOlderSpellingOfTheP2PPort()
        {
            _home.Paths.EnsureCreated();
            File.WriteAllText(_home.Paths.ConfigFile, """{ "p2PPort": 9000, "publicUrl": "https://kept.example" }""");

            NodeConfigWriter.Save(_home.Paths, new NodeSettings
            {
                NodePath = "/opt/node",
                ModelPath = "/models/m.gguf",
                ApiPort = 9100,
                P2PPort = 9101,
            });

            JObject saved = JObject.Parse(File.ReadAllText(_home.Paths.ConfigFile));
            Assert.Null(saved["p2PPort"]);
            Assert.Equal(9101, (int)saved["p2pPort"]!);
            Assert.Equal("https://kept.example", (string?)saved["publicUrl"]);
            Assert.Equal(9101, HostConfigStore.Load(_home.Paths)!.P2PPort);
        }
    }
}
