using System.Collections;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Models;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>Set-FabstirHost's workflow: URL, models and metadata, only what differs.</summary>
    [Collection(HostChainCollection.Name)]
    public sealed class HostUpdaterTests
    {
        private readonly LocalChain _chain;

        public HostUpdaterTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy, 1)]
        [InlineData(RegistryGeneration.Phase18, 3)]
        public async Task AddedModelsArePricedWhereTheGenerationNeedsIt(RegistryGeneration generation,
            int sent)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            var host = bench.Context();
            var log = new CollectingLog();
            var request = new HostUpdateRequest
            {
                Models = new[] { bench.FirstModel, bench.SecondModel, bench.SecondModel },
            };

            var plan = await HostUpdater.PlanAsync(host, request, log, CancellationToken.None);
            using var key = bench.Key();
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Contains("listed more than once", log.All);
            Assert.Equal(sent, update.Transactions.Count);
            Assert.Equal("updateSupportedModels", update.Transactions[0].Function);
            Assert.Equal(new[] { bench.FirstModel, bench.SecondModel },
                update.Host!.Models.Select(m => m.Spec));
            var second = update.Host.Prices.Where(p => p.Model == bench.SecondModel).ToList();
            Assert.Equal(2, second.Count);
            Assert.All(second, p => Assert.True(p.IsSet));
            Assert.Equal(HostBench.StablePrice, second.Single(p => p.Token == "USDC").RawPrice);
        }

        [Fact]
        public async Task AModelListWithDuplicatesOnChainIsRewrittenOnce()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var host = bench.Context();
            using var key = bench.Key();
            byte[] id = ModelSpec.Parse(bench.FirstModel).IdBytes;
            await bench.Chain.SendAsync(key, NodeRegistry.ContractName, bench.Registry,
                new UpdateSupportedModelsFunction { NewModelIds = new List<byte[]> { id, id } },
                null, CancellationToken.None);
            var request = new HostUpdateRequest { Models = new[] { bench.FirstModel } };

            var plan = await HostUpdater.PlanAsync(host, request, new CollectingLog(), CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Equal("updateSupportedModels", Assert.Single(update.Transactions).Function);
            Assert.Equal(bench.FirstModel, Assert.Single(update.Host!.Models).Spec);
        }

        [Fact]
        public async Task APlanForNewModelsEstimatesThePricesOnlyAfterTheModelsAreUpdated()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var request = new HostUpdateRequest { Models = new[] { bench.SecondModel } };

            var plan = await HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(),
                CancellationToken.None);

            Assert.NotNull(plan.Steps[0].Estimate);
            Assert.All(plan.Steps.Skip(1), s => Assert.Null(s.Estimate));
            Assert.Contains("gas estimated after the previous step is mined", plan.Describe());
        }

        [Theory]
        [InlineData(RegistryGeneration.Legacy)]
        [InlineData(RegistryGeneration.Phase18)]
        public async Task UnapprovedModelsAreRefusedWithTheApprovedOnesListed(RegistryGeneration generation)
        {
            var bench = await HostBench.RegisteredAsync(_chain, generation);
            foreach (string model in new[] { _chain.Info.DeactivatedModel, _chain.Info.UnknownModel })
            {
                var request = new HostUpdateRequest { Models = new[] { bench.FirstModel, model } };

                var ex = await bench.RefusedAsync(() =>
                    HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(),
                        CancellationToken.None));

                Assert.Equal(HostManagementErrors.ModelNotApproved, ex.ErrorId);
                Assert.Equal(model, ex.Target);
                Assert.Contains(bench.SecondModel, ex.Message);
            }
        }

        [Fact]
        public async Task AnEmptyModelListIsRefused()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var request = new HostUpdateRequest { Models = Array.Empty<string>() };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.ModelListEmpty, ex.ErrorId);
        }

        [Fact]
        public async Task TheLoadedModelMustStayUnlessForced()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var loaded = ModelSpec.Parse(bench.FirstModel).FileName;
            var request = new HostUpdateRequest { Models = new[] { bench.SecondModel },
                LoadedModelFile = loaded };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));
            request.Force = true;
            var log = new CollectingLog();
            var plan = await HostUpdater.PlanAsync(bench.Context(), request, log, CancellationToken.None);

            Assert.Equal(HostManagementErrors.LoadedModelDropped, ex.ErrorId);
            Assert.Equal(loaded, ex.Target);
            Assert.False(plan.IsEmpty);
            Assert.Contains("no longer advertised", log.All);
        }

        [Fact]
        public async Task MetadataIsMergedSoThePublicKeySurvives()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var host = bench.Context();
            var request = new HostUpdateRequest
            {
                Metadata = new Hashtable { ["location"] = "eu-west",
                    ["hardware"] = new Hashtable { ["gpu"] = "4090" } },
            };
            using var key = bench.Key();

            var plan = await HostUpdater.PlanAsync(host, request, new CollectingLog(),
                CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);
            var again = await HostUpdater.PlanAsync(host, request, new CollectingLog(),
                CancellationToken.None);

            Assert.Equal("updateMetadata", Assert.Single(update.Transactions).Function);
            Assert.Equal(HostBench.PublicKey, update.Host!.PublicKey);
            Assert.Equal("eu-west", update.Host.MetadataFields["location"]);
            var hardware = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(
                update.Host.MetadataFields["hardware"]);
            Assert.Equal("4090", hardware["gpu"]);
            Assert.True(again.IsEmpty);
        }

        [Fact]
        public async Task ReplacingMetadataDropsTheOldFieldsButThePublicKey()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var request = new HostUpdateRequest { Metadata = new Hashtable { ["name"] = "x" },
                ReplaceMetadata = true };

            var plan = await HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(),
                CancellationToken.None);

            Assert.Contains($"updateMetadata({{\"publicKey\":\"{HostBench.PublicKey}\",\"name\":\"x\"}})",
                Assert.Single(plan.Steps).Description);
        }

        [Theory]
        [InlineData("privateKey")]
        [InlineData("private_key")]
        [InlineData("apiKey")]
        [InlineData("MNEMONIC")]
        [InlineData("walletSeed")]
        [InlineData("db-password")]
        public async Task MetadataKeysThatLookSecretAreRefused(string name)
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var fields = new Hashtable { ["nested"] = new Hashtable { [name] = "x" } };
            var request = new HostUpdateRequest { Metadata = fields };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.MetadataSecretRefused, ex.ErrorId);
            Assert.Equal(name, ex.Target);
            Assert.DoesNotContain("\"x\"", ex.Message);
        }

        [Fact]
        public async Task AValueThatLooksLikeAPrivateKeyIsRefusedInsideArraysToo()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var fields = new Hashtable
            {
                ["notes"] = new object[] { new Hashtable { ["text"] = DevAccounts.HostKey } },
            };
            var request = new HostUpdateRequest { Metadata = fields };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.MetadataSecretRefused, ex.ErrorId);
            Assert.DoesNotContain(DevAccounts.HostKey, ex.Message);
        }

        [Fact]
        public async Task AKeyAsABareStringInAListIsRefused()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var fields = new Hashtable { ["notes"] = new object[] { "rack 4", DevAccounts.HostKey } };
            var request = new HostUpdateRequest { Metadata = fields };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.MetadataSecretRefused, ex.ErrorId);
            Assert.Equal("notes", ex.Target);
            Assert.DoesNotContain(DevAccounts.HostKey.Substring(2), ex.Message);
        }

        [Fact]
        public async Task ReplaceMetadataKeepsThePublicKeyAndDropsTheOtherFields()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var request = new HostUpdateRequest
            {
                Metadata = new Hashtable { ["only"] = "this" },
                ReplaceMetadata = true,
            };

            var plan = await HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(),
                CancellationToken.None);
            using var key = bench.Key();
            var update = await FabstirHostUpdate.ExecuteAsync(bench.Context(), plan, key, CancellationToken.None);

            Assert.Equal(HostBench.PublicKey, update.Host!.PublicKey);
            Assert.Equal(new[] { "only", "publicKey" }, update.Host.MetadataFields.Keys.OrderBy(k => k));
        }

        [Fact]
        public async Task ReplaceMetadataWithoutMetadataIsRefused()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var request = new HostUpdateRequest { ReplaceMetadata = true };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.ReplaceWithoutMetadata, ex.ErrorId);
            Assert.Contains("no -Metadata was given", ex.Message);
        }

        [Fact]
        public async Task ReplaceMetadataANullFieldRemovesItWhenMerging()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var request = new HostUpdateRequest
            {
                Metadata = new Hashtable { ["hardware"] = null, ["location"] = "eu" },
            };

            var plan = await HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(),
                CancellationToken.None);

            string description = Assert.Single(plan.Steps).Description;
            Assert.DoesNotContain("hardware", description);
            Assert.DoesNotContain("null", description);
            Assert.Contains("\"location\":\"eu\"", description);
            Assert.Contains("publicKey", description);
        }

        [Fact]
        public async Task ThePublicKeyComesFromTheKeyAndCannotBeGiven()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            var request = new HostUpdateRequest { Metadata = new Hashtable { ["publicKey"] = "02ff" } };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.MetadataInvalid, ex.ErrorId);
        }

        [Fact]
        public async Task ASecretAlreadyOnChainIsLeftOutOfTheMergedMetadata()
        {
            var bench = await HostBench.RegisteredAsync(
                _chain,
                RegistryGeneration.Phase18,
                metadata: "{\"privateKey\":\"0xdead\",\"hardware\":\"gpu\"}");
            var log = new CollectingLog();
            var request = new HostUpdateRequest { Metadata = new Hashtable { ["location"] = "home" } };

            var plan = await HostUpdater.PlanAsync(bench.Context(), request, log, CancellationToken.None);

            string description = Assert.Single(plan.Steps).Description;
            Assert.DoesNotContain("privateKey", description);
            Assert.Contains("\"hardware\":\"gpu\"", description);
            Assert.Contains("treat that secret as exposed", log.All);
        }

        [Fact]
        public async Task AnUnreachableUrlIsRefusedWithTroubleshooting()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            int closed = FreePort.Tcp();
            var log = new CollectingLog();
            var request = new HostUpdateRequest
            {
                Url = $"http://127.0.0.1:{closed}", ProbeTimeout = TimeSpan.FromSeconds(3),
            };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, log, CancellationToken.None));

            Assert.Equal(HostManagementErrors.PublicUrlUnreachable, ex.ErrorId);
            Assert.Contains($"127.0.0.1:{closed}", ex.Message);
            Assert.NotNull(ex.RecommendedAction);
            Assert.Contains("WARNING:", log.All);
        }

        [Fact]
        public async Task AReachableUrlIsAdvertised()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            var host = bench.Context();
            var request = new HostUpdateRequest { Url = node.Url.ToString().TrimEnd('/') };
            using var key = bench.Key();

            var plan = await HostUpdater.PlanAsync(host, request, new CollectingLog(),
                CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);

            Assert.Equal("updateApiUrl", Assert.Single(update.Transactions).Function);
            Assert.Equal(request.Url, update.Host!.ApiUrl);
            Assert.Contains("/health", node.Paths);
        }

        [Theory]
        [InlineData("/?token=1")]
        [InlineData("/#top")]
        [InlineData("credentials")]
        public async Task AUrlRegistrationWouldRefuseIsRefusedBeforeItIsProbed(string flaw)
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike());
            string url = node.Url.ToString().TrimEnd('/');
            url = flaw == "credentials" ? url.Replace("://", "://operator:hunter2@") : url + flaw;
            var request = new HostUpdateRequest { Url = url };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.InvalidPublicUrl, ex.ErrorId);
            Assert.DoesNotContain("hunter2", ex.Message);
            Assert.Empty(node.Paths);
        }

        [Fact]
        public async Task AUrlIsWrittenAsRegistrationWritesIt()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Phase18);
            using var node = LoopbackResponder.Http(LoopbackResponder.NodeLike(prefix: "/node1"));
            var host = bench.Context();
            var request = new HostUpdateRequest { Url = node.Url + "node1/" };
            using var key = bench.Key();

            var plan = await HostUpdater.PlanAsync(host, request, new CollectingLog(),
                CancellationToken.None);
            var update = await FabstirHostUpdate.ExecuteAsync(host, plan, key, CancellationToken.None);
            var again = await HostUpdater.PlanAsync(host,
                new HostUpdateRequest { Url = node.Url + "node1" }, new CollectingLog(), CancellationToken.None);

            Assert.Equal(node.Url + "node1", update.Host!.ApiUrl);
            Assert.True(again.IsEmpty);
        }

        [Fact]
        public async Task UpdatingAHostThatIsNotRegisteredIsRefused()
        {
            var bench = await HostBench.CreateAsync(_chain, RegistryGeneration.Legacy);
            var request = new HostUpdateRequest { Metadata = new Hashtable { ["a"] = "b" } };

            var ex = await bench.RefusedAsync(() =>
                HostUpdater.PlanAsync(bench.Context(), request, new CollectingLog(), CancellationToken.None));

            Assert.Equal(HostManagementErrors.HostNotRegistered, ex.ErrorId);
        }

        [Fact]
        public async Task AnotherKeyCannotSendAPlan()
        {
            var bench = await HostBench.RegisteredAsync(_chain, RegistryGeneration.Legacy);
            var plan = await HostUpdater.PlanAsync(bench.Context(),
                new HostUpdateRequest { Metadata = new Hashtable { ["a"] = "b" } },
                new CollectingLog(),
                CancellationToken.None);
            using var other = LocalChain.Key(DevAccounts.BystanderKey);

            var ex = await bench.RefusedAsync(() => plan.ExecuteAsync(other, CancellationToken.None));

            Assert.Equal(HostManagementErrors.HostKeyMismatch, ex.ErrorId);
        }
    }
}
