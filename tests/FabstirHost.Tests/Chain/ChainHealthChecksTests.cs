using System.Security.Cryptography;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;
using FabstirHost.Core.Models;
using FabstirHost.Core.Network;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    /// <summary>
    /// The chain checks of the diagnostics against hosts registered on anvil: each check's Pass and
    /// its Fail, and the checks skipped when an earlier one fails.
    /// </summary>
    public sealed class ChainHealthChecksTests : IClassFixture<HealthCheckChain>, IDisposable
    {
        private static readonly string[] Order =
        {
            "RPC reachable", "Chain id", "Contract code", "Registered", "On-chain URL", "Model registered",
            "Prices set", "ETH for gas",
        };

        private readonly HealthCheckChain _fixture;
        private readonly TempHome _files = new();

        public ChainHealthChecksTests(HealthCheckChain fixture)
        {
            _fixture = fixture;
        }

        private LocalChain Local => _fixture.Local;

        public void Dispose() => _files.Dispose();

        [Fact]
        public async Task EveryCheckPassesForACompleteRegistration()
        {
            var checks = await CheckAsync(Local.Profile(_fixture.CompleteRegistry));

            Assert.Equal(Order, checks.Select(c => c.Name));
            Assert.All(checks, c =>
            {
                Assert.Equal(DiagnosticArea.Chain, c.Area);
                Assert.True(c.Status == DiagnosticStatus.Pass, c.ToString());
                Assert.Null(c.Remedy);
            });
            Assert.Matches(@"answered in \d+ ms \(block \d+\)", Find(checks, "RPC reachable").Detail);
            Assert.Equal("chain 84532 (Local)", Find(checks, "Chain id").Detail);
            Assert.Contains("NodeRegistry, ModelRegistry, HostEarnings, FAB token, USDC token",
                Find(checks, "Contract code").Detail);
            Assert.Contains(
                "registered and active (1000 FAB staked, 2 model(s))", Find(checks, "Registered").Detail);
            Assert.Contains(_fixture.Models[1].Id, Find(checks, "Model registered").Detail);
            Assert.Contains("all 2 model(s) are priced", Find(checks, "Prices set").Detail);
            Assert.Matches(@"holds 10000 ETH|holds 99\d\d\.\d+ ETH", Find(checks, "ETH for gas").Detail);
        }

        [Fact]
        public async Task ADriftedUrlFailsWithTheExactSetFabstirHostCommand()
        {
            var context = Context(url: "https://new-name.example:8443");

            var checks = await CheckAsync(Local.Profile(_fixture.CompleteRegistry), context);

            FabstirDiagnostic url = Find(checks, "On-chain URL");
            Assert.Equal(DiagnosticStatus.Fail, url.Status);
            Assert.Contains($"sends clients to '{HealthCheckChain.RegisteredUrl}'", url.Detail);
            Assert.Equal("Set-FabstirHost -Url 'https://new-name.example:8443'", url.Remedy);
        }

        [Theory]
        [InlineData("https://HOST.example:8443/")]
        [InlineData("https://host.example:8443")]
        public void UrlsDifferingOnlyInCaseOrATrailingSlashAreTheSame(string configured)
        {
            const string registered = HealthCheckChain.RegisteredUrl;
            Assert.True(ChainHealthChecks.SameUrl(registered, new Uri(configured)));
            Assert.False(ChainHealthChecks.SameUrl(registered, new Uri("http://host.example:8443")));
            Assert.False(ChainHealthChecks.SameUrl(registered, new Uri("https://host.example")));
        }

        [Fact]
        public async Task AMissingPhase18PriceFailsNamingTheModelAndToken()
        {
            var checks = await CheckAsync(Local.Profile(_fixture.UnpricedRegistry));

            FabstirDiagnostic prices = Find(checks, "Prices set");
            string model = _fixture.Models[1].ToString();
            Assert.Equal(DiagnosticStatus.Fail, prices.Status);
            Assert.Contains($"1 of 4 model prices are not set", prices.Detail);
            Assert.Contains($"no USDC price for {model}", prices.Detail);
            Assert.Equal(
                $"Set-FabstirPricing -Model '{model}' -Token USDC -Price <USDC per million tokens>",
                prices.Remedy);
        }

        [Fact]
        public async Task AHostWithoutPricesIsToldToPriceEveryModelInBothTokens()
        {
            string registry = await Local.DeployNodeRegistryAsync(TestChain.RegistryGeneration.Phase18);
            using HostKey key = LocalChain.Key(DevAccounts.SecondHostKey);
            await Local.Deployer.SendAsync("TestTokens/TestErc20", Local.Info.FabToken, "mint", key.Address,
                System.Numerics.BigInteger.Parse("1000000000000000000000"));
            await _fixture.RegisterAsync(registry, key);

            var checks = await CheckAsync(Local.Profile(registry), host: key.Address);

            FabstirDiagnostic prices = Find(checks, "Prices set");
            Assert.Equal(DiagnosticStatus.Fail, prices.Status);
            Assert.Contains("4 of 4 model prices are not set", prices.Detail);
            Assert.Equal(
                "Set-FabstirPricing -Token Native -Price <gwei per million tokens>; " +
                "Set-FabstirPricing -Token USDC -Price <USDC per million tokens>",
                prices.Remedy);
        }

        [Fact]
        public async Task LegacyHostsArePricedByTheirNodeDefaults()
        {
            var checks = await CheckAsync(Local.Profile(_fixture.LegacyRegistry));

            FabstirDiagnostic prices = Find(checks, "Prices set");
            Assert.Equal(DiagnosticStatus.Pass, prices.Status);
            Assert.Contains("legacy pricing: node prices native 3000000, stable 5000", prices.Detail);
            Assert.Contains("1 of 2 model(s) have their own", prices.Detail);
        }

        [Fact]
        public async Task AModelTheRegistryDoesNotKnowFails()
        {
            var context = Context(model: ModelSpec.Parse(Local.Info.UnknownModel));

            var checks = await CheckAsync(Local.Profile(_fixture.CompleteRegistry), context);

            FabstirDiagnostic model = Find(checks, "Model registered");
            Assert.Equal(DiagnosticStatus.Fail, model.Status);
            Assert.Contains("knows no model with the file name 'never.gguf'", model.Detail);
            Assert.StartsWith("Get-FabstirModel", model.Remedy);
        }

        [Fact]
        public async Task ADeactivatedModelFails()
        {
            var context = Context(model: ModelSpec.Parse(Local.Info.DeactivatedModel));

            var checks = await CheckAsync(Local.Profile(_fixture.CompleteRegistry), context);

            FabstirDiagnostic model = Find(checks, "Model registered");
            Assert.Equal(DiagnosticStatus.Fail, model.Status);
            Assert.Contains("which the ModelRegistry has deactivated", model.Detail);
        }

        [Fact]
        public async Task AnApprovedModelTheHostDoesNotAdvertiseFailsWithTheSetFabstirHostCommand()
        {
            var other = new ModelSpec("Someone/Other-GGUF", $"other-{Guid.NewGuid():N}.gguf");
            await Local.Deployer.SendAsync("TestModelRegistry", Local.Info.ModelRegistry, "addTrustedModel",
                other.Repository, other.FileName, new byte[32]);

            var checks = await CheckAsync(Local.Profile(_fixture.CompleteRegistry), Context(model: other));

            FabstirDiagnostic model = Find(checks, "Model registered");
            Assert.Equal(DiagnosticStatus.Fail, model.Status);
            Assert.Contains("registered model(s) do not include it", model.Detail);
            Assert.Equal($"Set-FabstirHost -Model '{other}'", model.Remedy);
        }

        [Fact]
        public async Task AnUnregisteredHostFailsAndSkipsItsRecordsChecks()
        {
            var checks = await CheckAsync(
                Local.Profile(_fixture.CompleteRegistry), host: DevAccounts.BystanderAddress);

            FabstirDiagnostic registered = Find(checks, "Registered");
            Assert.Equal(DiagnosticStatus.Fail, registered.Status);
            Assert.Equal("Register-FabstirHost", registered.Remedy);
            foreach (string name in new[] { "On-chain URL", "Model registered", "Prices set" })
            {
                Assert.Equal(DiagnosticStatus.Skip, Find(checks, name).Status);
                Assert.Contains("is not registered", Find(checks, name).Detail);
            }

            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "ETH for gas").Status);
        }

        [Fact]
        public async Task ARegisteredButInactiveHostFails()
        {
            var checks = await CheckAsync(Local.Profile(_fixture.InactiveRegistry));

            FabstirDiagnostic registered = Find(checks, "Registered");
            Assert.Equal(DiagnosticStatus.Fail, registered.Status);
            Assert.Contains("but not active", registered.Detail);
        }

        [Fact]
        public async Task AnAddressWithoutCodeFailsAndSkipsWhatNeedsIt()
        {
            // An account with ETH but no code stands in for a mistyped registry address.
            var checks = await CheckAsync(Local.Profile(DevAccounts.BystanderAddress));

            FabstirDiagnostic code = Find(checks, "Contract code");
            Assert.Equal(DiagnosticStatus.Fail, code.Status);
            Assert.Contains($"the NodeRegistry address {DevAccounts.BystanderAddress}", code.Detail);
            Assert.DoesNotContain("ModelRegistry address", code.Detail);
            Assert.Equal("Set-FabstirHostConfig -NodeRegistryAddress '<NodeRegistry address on chain 84532>'",
                code.Remedy);
            Assert.Equal(DiagnosticStatus.Skip, Find(checks, "Registered").Status);
            Assert.Equal(DiagnosticStatus.Skip, Find(checks, "Prices set").Status);
            Assert.Equal(DiagnosticStatus.Pass, Find(checks, "ETH for gas").Status);
        }

        [Fact]
        public async Task AWrongChainIdFailsAndSkipsTheRest()
        {
            ChainProfile profile = WithChain(Local.Profile(_fixture.CompleteRegistry), "Base", 8453);

            var checks = await CheckAsync(profile);

            Assert.Equal(Order, checks.Select(c => c.Name));
            Assert.Equal(DiagnosticStatus.Pass, checks[0].Status);
            Assert.Equal(DiagnosticStatus.Fail, checks[1].Status);
            Assert.Contains("serves chain 84532, but the Base profile is chain 8453", checks[1].Detail);
            Assert.Equal("Set-FabstirHostConfig -RpcUrl '<RPC URL of chain 8453>'", checks[1].Remedy);
            Assert.All(checks.Skip(2), c => Assert.Equal(DiagnosticStatus.Skip, c.Status));
            Assert.All(checks.Skip(2), c => Assert.Equal("the RPC serves another chain", c.Detail));
        }

        [Fact]
        public async Task AnUnreachableRpcFailsTheFirstCheckAndSkipsTheOthersAndTheModelHash()
        {
            string rpc = $"http://127.0.0.1:{FreePort.Tcp()}";
            ChainProfile profile = WithChain(Local.Profile(), "Local", Local.ChainId, rpc);
            var checks = new ChainHealthChecks(new FabstirChain(profile), Local.HostAddress);
            var options = new DiagnosticsOptions(_files.Paths)
            {
                ApiPort = FreePort.Tcp(),
                ModelPath = ModelFileNamed(_fixture.Models[0].FileName),
                Timeout = TimeSpan.FromSeconds(2),
                Chain = checks,
                ModelHashes = checks,
            };

            var all = await HostDiagnostics.RunAsync(
                options, NullOperationLog.Instance, CancellationToken.None);

            var chain = all.Where(c => c.Area == DiagnosticArea.Chain).ToList();
            Assert.Equal(Order, chain.Select(c => c.Name));
            Assert.Equal(DiagnosticStatus.Fail, chain[0].Status);
            Assert.Contains("could not be reached", chain[0].Detail);
            Assert.StartsWith("Set-FabstirHostConfig -RpcUrl", chain[0].Remedy);
            Assert.All(chain.Skip(1), c =>
            {
                Assert.Equal(DiagnosticStatus.Skip, c.Status);
                Assert.Equal($"the RPC at {rpc} could not be reached", c.Detail);
            });
            FabstirDiagnostic hash = all.Single(c => c.Name == "Model hash");
            Assert.Equal(DiagnosticStatus.Skip, hash.Status);
            Assert.Contains("the chain's hash could not be read", hash.Detail);
        }

        [Fact]
        public async Task AnRpcThatNeverAnswersFailsWithinTheRpcTimeout()
        {
            using var silent = new SilentListener(System.Net.IPAddress.Loopback);
            ChainProfile profile = WithChain(Local.Profile(), "Local", Local.ChainId, silent.Url.ToString());
            var chain = new FabstirChain(profile, rpcTimeout: TimeSpan.FromMilliseconds(300));
            var watch = System.Diagnostics.Stopwatch.StartNew();

            var checks = await new ChainHealthChecks(chain, Local.HostAddress)
                .CheckAsync(Context(), CancellationToken.None);

            Assert.Equal(DiagnosticStatus.Fail, checks[0].Status);
            Assert.Contains("No answer within 0.3 s", checks[0].Detail);
            Assert.All(checks.Skip(1), c => Assert.Equal(DiagnosticStatus.Skip, c.Status));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        }

        [Fact]
        public async Task AnAccountWithoutEthFailsTheGasCheck()
        {
            using HostKey empty = HostKeyStore.Generate();

            var checks = await CheckAsync(Local.Profile(_fixture.CompleteRegistry), host: empty.Address);

            FabstirDiagnostic gas = Find(checks, "ETH for gas");
            Assert.Equal(DiagnosticStatus.Fail, gas.Status);
            Assert.Contains($"{empty.Address} holds 0 ETH, less than the", gas.Detail);
            Assert.Contains("5 host transactions", gas.Detail);
            Assert.StartsWith("Send at least ", gas.Remedy);
            Assert.EndsWith($"ETH to {empty.Address} on chain 84532", gas.Remedy);
        }

        [Fact]
        public async Task TheModelFilesHashMatchesTheChainsRecord()
        {
            string path = ModelFileNamed("hashed-" + Guid.NewGuid().ToString("N") + ".gguf");
            byte[] sha = SHA256.HashData(File.ReadAllBytes(path));
            await Local.Deployer.SendAsync("TestModelRegistry", Local.Info.ModelRegistry, "addTrustedModel",
                "Test/Hashed-GGUF", Path.GetFileName(path), sha);
            var checks = new ChainHealthChecks(new FabstirChain(Local.Profile()), Local.HostAddress);

            FabstirDiagnostic hash = await HashCheckAsync(path, checks);

            Assert.Equal(DiagnosticStatus.Pass, hash.Status);
            Assert.Contains(Convert.ToHexString(sha).ToLowerInvariant(), hash.Detail);
        }

        [Fact]
        public async Task AModelFileThatDiffersFromTheChainsHashFails()
        {
            ModelSpec seeded = _fixture.Models[0];
            string path = ModelFileNamed(seeded.FileName);
            var checks = new ChainHealthChecks(
                new FabstirChain(Local.Profile()), Local.HostAddress, new[] { seeded.ToString() });

            FabstirDiagnostic hash = await HashCheckAsync(path, checks);

            Assert.Equal(DiagnosticStatus.Fail, hash.Status);
            string expected = Local.Info.ModelHashes[seeded.ToString()][2..];
            Assert.Contains($"differs from the chain's {expected}", hash.Detail);
            Assert.Equal("Test-FabstirModel", hash.Remedy);
        }

        [Fact]
        public async Task AModelTheChainDoesNotKnowHasNoExpectedHash()
        {
            var checks = new ChainHealthChecks(new FabstirChain(Local.Profile()), Local.HostAddress);

            string file = ModelFileNamed("never.gguf");

            Assert.Null(await checks.ExpectedSha256Async(file, CancellationToken.None));
        }

        private async Task<IReadOnlyList<FabstirDiagnostic>> CheckAsync(
            ChainProfile profile,
            ChainDiagnosticsContext? context = null,
            string? host = null)
        {
            var checks = new ChainHealthChecks(new FabstirChain(profile), host ?? Local.HostAddress);
            return await checks.CheckAsync(context ?? Context(), CancellationToken.None);
        }

        /// <summary>The node's side: its URL and the model file it loads (default: the second seed).</summary>
        private ChainDiagnosticsContext Context(string? url = null, ModelSpec? model = null)
        {
            string path = ModelFileNamed((model ?? _fixture.Models[1]).FileName);
            return new ChainDiagnosticsContext(null, new Uri(url ?? HealthCheckChain.RegisteredUrl), path);
        }

        private string ModelFileNamed(string fileName)
        {
            string path = Path.Combine(_files.Path, fileName);
            File.WriteAllBytes(path, new byte[] { (byte)'G', (byte)'G', (byte)'U', (byte)'F', 3, 0, 0, 0, 42 });
            return path;
        }

        private static Task<FabstirDiagnostic> HashCheckAsync(string path, ChainHealthChecks checks) =>
            DiagnosticChecks.ModelHashAsync(path, checks, CancellationToken.None);

        /// <summary>The profile with another chain id, and optionally another RPC URL.</summary>
        private static ChainProfile WithChain(ChainProfile local, string name, long chainId, string? rpc = null)
        {
            return new ChainProfile(name, chainId, rpc ?? local.RpcUrl, local.NodeRegistry, local.ModelRegistry,
                local.HostEarnings, local.JobMarketplace, local.ProofSystem, local.FabToken, local.UsdcToken);
        }

        private static FabstirDiagnostic Find(IEnumerable<FabstirDiagnostic> checks, string name) =>
            checks.Single(c => c.Name == name);
    }
}
