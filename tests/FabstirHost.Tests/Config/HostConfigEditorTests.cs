using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;
using FabstirHost.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using Xunit;

namespace FabstirHost.Tests.Config
{
    public sealed class HostConfigEditorTests : IDisposable
    {
        private const string Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

        private readonly TempHome _home = new();

        public void Dispose() => _home.Dispose();

        [Fact]
        public void ChangesOnlyTheGivenFieldsAndKeepsUnknownOnes()
        {
            Write("""
                {
                  "schemaVersion": 1,
                  "publicUrl": "https://old.example",
                  "p2pPort": 9001,
                  "futureField": { "kept": true },
                  "chain": {
                    "chainId": 84532,
                    "extra": "kept",
                    "contracts": { "CONTRACT_NODE_REGISTRY": "0x0000000000000000000000000000000000000001" }
                  }
                }
                """);

            Save(new HostConfigChanges
            {
                ApiPort = 9100,
                PublicUrl = " https://new.example:8443 ",
                RpcUrl = "http://127.0.0.1:8545",
                Contracts = { [ChainSetting.NodeRegistry] = Address },
            });

            JObject json = Read();
            Assert.Equal(9100, (int)json["apiPort"]!);
            Assert.Equal(9001, (int)json["p2pPort"]!);
            Assert.Equal("https://new.example:8443", (string?)json["publicUrl"]);
            Assert.True((bool)json["futureField"]!["kept"]!);
            Assert.Equal("kept", (string?)json["chain"]!["extra"]);
            Assert.Equal(84532, (long)json["chain"]!["chainId"]!);
            Assert.Equal("http://127.0.0.1:8545", (string?)json["chain"]!["rpcUrl"]);
            var contracts = (JObject)json["chain"]!["contracts"]!;
            Assert.Equal(Address, (string?)Assert.Single(contracts.Properties()).Value);
            Assert.Equal("nodeRegistry", contracts.Properties().Single().Name);
            Assert.Equal(9100, HostConfigStore.Load(_home.Paths)!.ApiPort);
        }

        [Fact]
        public void ListsEachChangeAndNothingWhenTheValueIsTheSame()
        {
            Write("""{ "apiPort": 8080, "logLevel": "info" }""");

            var edit = HostConfigEditor.Prepare(
                _home.Paths, new HostConfigChanges { ApiPort = 8080, LogLevel = "debug" });

            Assert.Equal(new[] { "logLevel: info -> debug" }, edit.Changes);
            Assert.Equal("debug", edit.Result.LogLevel);
            Assert.Equal("info", (string?)Read()["logLevel"]);
        }

        [Fact]
        public void MakesPathsAbsolute()
        {
            var edit = HostConfigEditor.Prepare(
                _home.Paths, new HostConfigChanges { ModelPath = "models/m.gguf", NodePath = "bin/node" });

            Assert.Equal(Path.GetFullPath("models/m.gguf"), edit.Result.ModelPath);
            Assert.True(Path.IsPathRooted(edit.Result.NodePath));
        }

        [Fact]
        public void MergesTheEnvironmentKeepingNamesAsTheyAreAndRemovesNullValues()
        {
            Save(new HostConfigChanges
            {
                Environment = new Dictionary<string, string?> { ["RUST_BACKTRACE"] = "1", ["OLD_VAR"] = "x" },
            });

            Save(new HostConfigChanges
            {
                Environment = new Dictionary<string, string?>
                {
                    ["CUDA_VISIBLE_DEVICES"] = "0",
                    ["OLD_VAR"] = null,
                },
            });

            var environment = (JObject)Read()["environment"]!;
            Assert.Equal(
                new[] { "CUDA_VISIBLE_DEVICES", "RUST_BACKTRACE" }, environment.Properties().Select(p => p.Name));
            Assert.Equal("1", HostConfigStore.Load(_home.Paths)!.Environment!["RUST_BACKTRACE"]);
        }

        [Theory]
        [InlineData("HOST_PRIVATE_KEY")]
        [InlineData("OPENAI_API_KEY")]
        [InlineData("DB_PASSWORD")]
        [InlineData("HF_TOKEN")]
        [InlineData("my_secret")]
        public void RefusesSecretLookingVariablesBeforeWriting(string name)
        {
            Write("""{ "apiPort": 8080 }""");

            var ex = Assert.Throws<FabstirException>(() => Save(new HostConfigChanges
            {
                ApiPort = 9000,
                Environment = new Dictionary<string, string?> { [name] = "0xabc" },
            }));

            Assert.Equal("SecretInEnvironment", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.SecurityError, ex.Category);
            Assert.Equal(name, ex.Target);
            Assert.DoesNotContain("0xabc", ex.Message);
            Assert.Equal(8080, (int)Read()["apiPort"]!);
        }

        [Fact]
        public void TokenContractVariablesAreNotSecrets()
        {
            Save(new HostConfigChanges
            {
                Environment = new Dictionary<string, string?> { ["USDC_TOKEN"] = Address },
            });

            Assert.Equal(Address, (string?)Read()["environment"]!["USDC_TOKEN"]);
        }

        [Theory]
        [InlineData("PublicUrl", "node.example.com:8080", "InvalidEndpointUrl")]
        [InlineData("LogLevel", "loud", "InvalidLogLevel")]
        [InlineData("LogLevel", "info, x=verbose", "InvalidLogLevel")]
        [InlineData("RpcUrl", "ws://127.0.0.1:8545", "InvalidRpcUrl")]
        [InlineData("Environment", "1BAD", "InvalidEnvironmentName")]
        public void RefusesBadValuesWithStableErrorIds(string field, string value, string errorId)
        {
            var changes = new HostConfigChanges();
            switch (field)
            {
                case "PublicUrl":
                    changes.PublicUrl = value;
                    break;
                case "LogLevel":
                    changes.LogLevel = value;
                    break;
                case "RpcUrl":
                    changes.RpcUrl = value;
                    break;
                default:
                    changes.Environment = new Dictionary<string, string?> { [value] = "1" };
                    break;
            }

            var ex = Assert.Throws<FabstirException>(() => Save(changes));

            Assert.Equal(errorId, ex.ErrorId);
            Assert.False(File.Exists(_home.Paths.ConfigFile));
        }

        [Fact]
        public void AcceptsRustLogDirectives()
        {
            Save(new HostConfigChanges { LogLevel = "info,fabstir_llm_node=debug,libp2p::swarm=warn" });

            Assert.Equal("info,fabstir_llm_node=debug,libp2p::swarm=warn", (string?)Read()["logLevel"]);
        }

        [Fact]
        public void RefusesAnApiPortAmongTheP2PPorts()
        {
            Write("""{ "p2PPort": 9000 }""");

            var ex = Assert.Throws<FabstirException>(() => Save(new HostConfigChanges { ApiPort = 9001 }));

            Assert.Equal("PortConflict", ex.ErrorId);
            Assert.Contains("9000 and 9001", ex.Message);
        }

        [Fact]
        public void ADamagedFileIsReportedAndLeftAsItIs()
        {
            Write("""{ "apiPort": "not a number" }""");

            var ex = Assert.Throws<FabstirException>(() => Save(new HostConfigChanges { LogLevel = "info" }));

            Assert.Equal("ConfigFileDamaged", ex.ErrorId);
            Assert.Equal(_home.Paths.ConfigFile, ex.Target);
            Assert.Contains("not a number", File.ReadAllText(_home.Paths.ConfigFile));
        }

        [Fact]
        public void AFileFromANewerModuleIsRefusedByEveryLoaderAndLeftAsItIs()
        {
            const string text = """{ "schemaVersion": 99, "apiPort": 8080 }""";
            Write(text);

            var edit = Assert.Throws<FabstirException>(() => Save(new HostConfigChanges { LogLevel = "info" }));
            var typed = Assert.Throws<FabstirException>(() => HostConfigStore.Load(_home.Paths));
            var json = Assert.Throws<FabstirException>(() => HostConfigStore.LoadJson(_home.Paths));

            foreach (FabstirException ex in new[] { edit, typed, json })
            {
                Assert.Equal("ConfigSchemaTooNew", ex.ErrorId);
                Assert.Equal(_home.Paths.ConfigFile, ex.Target);
                Assert.Contains("schemaVersion 99, newer than the 1", ex.Message);
            }

            Assert.Equal(text, File.ReadAllText(_home.Paths.ConfigFile));
        }

        [Fact]
        public void TheCurrentSchemaVersionAndAFileWithoutOneAreRead()
        {
            Write("""{ "schemaVersion": 1, "apiPort": 8081 }""");
            Assert.Equal(8081, HostConfigStore.Load(_home.Paths)!.ApiPort);

            Write("""{ "apiPort": 8082 }""");
            Assert.Equal(8082, HostConfigStore.Load(_home.Paths)!.ApiPort);
            Assert.NotNull(HostConfigStore.LoadJson(_home.Paths));
        }

        private void Save(HostConfigChanges changes)
        {
            HostConfigEditor.Save(_home.Paths, HostConfigEditor.Prepare(_home.Paths, changes));
        }

        private void Write(string json)
        {
            File.WriteAllText(_home.Paths.ConfigFile, json);
        }

        private JObject Read() => JObject.Parse(File.ReadAllText(_home.Paths.ConfigFile));
    }
}
