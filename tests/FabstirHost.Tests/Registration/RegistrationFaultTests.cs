using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Registration
{
    /// <summary>
    /// Bad input and faults: each fails with its own ErrorId, says what was wrong, and sends
    /// nothing (the host's nonce does not move).
    /// </summary>
    public sealed class RegistrationFaultTests : IClassFixture<LocalChain>
    {
        private readonly LocalChain _chain;

        public RegistrationFaultTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Theory]
        [InlineData("ftp://203.0.113.7:8080", "InvalidPublicUrl")]
        [InlineData("node.example.com:8080", "InvalidPublicUrl")]
        [InlineData("http://203.0.113.7:8080/?token=1", "InvalidPublicUrl")]
        [InlineData("http://203.0.113.7:8080/#top", "InvalidPublicUrl")]
        [InlineData("http://user:hunter2@203.0.113.7:8080", "InvalidPublicUrl")]
        [InlineData("https://node.example.com", "PublicUrlPortMissing")]
        public async Task A_bad_public_url_is_refused_before_anything_is_read(string url, string errorId)
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.PublicUrl = url;

            FabstirException ex = await FailsAsync(box, request, errorId);

            Assert.DoesNotContain("hunter2", ex.Message);
        }

        [Fact]
        public async Task A_url_behind_a_proxy_takes_its_port_from_Port_and_keeps_its_path()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.PublicUrl = "https://node.example.com/fabstir/";
            request.Port = box.ApiPort;

            RegistrationPlan plan = await box.Registrar().PlanAsync(request, box.Key, CancellationToken.None);

            Assert.Equal("https://node.example.com/fabstir", plan.Url);
            Assert.Equal(box.ApiPort, plan.ApiPort);
        }

        [Theory]
        [InlineData("no-colon-here", "no ':'")]
        [InlineData(":file.gguf", "repository is empty")]
        [InlineData("repo/name:", "file name is empty")]
        public async Task A_bad_model_string_is_refused(string model, string why)
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);

            FabstirException ex = await FailsAsync(box, box.Request(model), "InvalidModelSpec");

            Assert.Contains(why, ex.Message);
        }

        [Fact]
        public async Task An_unapproved_model_is_refused_and_the_approved_ones_are_listed()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request(box.ServedSpec, _chain.Info.DeactivatedModel);
            request.Force = true;

            FabstirException ex = await FailsAsync(box, request, "ModelNotApproved");

            Assert.Contains(_chain.Info.DeactivatedModel, ex.Message);
            Assert.Contains(_chain.Info.ApprovedModels[0], ex.Message);
            Assert.Contains(_chain.Info.ApprovedModels[1], ex.Message);
        }

        [Fact]
        public async Task Duplicate_models_are_registered_once_with_a_warning()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);

            await box.RegisterAsync(box.Request(box.ServedSpec, box.ServedSpec));

            Assert.Single((await box.RecordAsync()).ModelIds);
            string warning = "WARNING: The model '" + box.ServedSpec + "' was given more than once";
            Assert.Contains(warning, box.Log.All);
        }

        [Fact]
        public async Task A_model_the_node_does_not_load_needs_Force()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request(box.ServedSpec, _chain.Info.ApprovedModels[1]);

            FabstirException ex = await FailsAsync(box, request, "ModelNotServed");

            Assert.Contains("cannot serve", ex.Message);
            Assert.Contains(_chain.Info.ApprovedModels[1], ex.Message);
            request.Force = true;
            RegistrationPlan plan = await box.Registrar().PlanAsync(request, box.Key, CancellationToken.None);
            Assert.Equal(2, plan.Models.Count);
        }

        [Theory]
        [InlineData("stable", 0)]
        [InlineData("stable", 100000001)]
        [InlineData("native", 1)]
        public async Task A_price_outside_the_contracts_bounds_shows_them_in_human_and_raw_units(
            string kind, long raw)
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            if (kind == "stable")
            {
                request.StablePrice = PriceSetting.FromRaw(PriceKind.Stable, raw);
            }
            else
            {
                request.NativePrice = PriceSetting.FromRaw(PriceKind.Native, raw);
            }

            FabstirException ex = await FailsAsync(box, request, "PriceOutOfRange");

            Assert.Contains(kind == "stable" ? "(raw 100000000)" : "(raw 227273)", ex.Message);
            string unit = kind == "stable" ? "USDC per million tokens" : "gwei per million tokens";
            Assert.Contains(unit, ex.Message);
        }

        [Fact]
        public async Task Too_little_FAB_shows_what_is_held_and_needed()
        {
            BigInteger fourHundred = BigInteger.Parse("400000000000000000000");
            using var box = await RegistrationSandbox.CreateAsync(_chain, fab: fourHundred);

            FabstirException ex = await FailsAsync(box, box.Request(), "InsufficientStake");

            Assert.Contains("holds 400 FAB", ex.Message);
            Assert.Contains("stakes 1000 FAB", ex.Message);
        }

        [Fact]
        public async Task Too_little_ETH_for_the_whole_plan_shows_what_is_held_and_needed()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain, eth: 0.0000001m);

            FabstirException ex = await FailsAsync(box, box.Request(), "InsufficientGasFunds");

            Assert.Contains("holds 0.0000001 ETH", ex.Message);
            Assert.Contains("4 transaction(s)", ex.Message);
            Assert.Matches("may cost up to [0-9.]+ ETH in gas", ex.Message);
            Assert.Matches("[0-9.]+ ETH short", ex.Message);
        }

        [Fact]
        public async Task A_registered_but_inactive_host_is_refused_before_anything_is_sent()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            await box.RegisterAsync(box.Request());
            await _chain.Deployer.SendAsync(
                "TestNodeRegistryPhase18", box.NodeRegistry, "setActive", box.Key.Address, false);
            RegistrationRequest repriced = box.Request();
            repriced.StablePrice = PriceSetting.FromHuman(7.5m, PriceUnit.UsdcPerMillionTokens);
            BigInteger nonce = await box.NonceAsync();

            FabstirException ex = await Assert.ThrowsAnyAsync<FabstirException>(
                () => box.RegisterAsync(repriced));

            Assert.Equal("HostNotActive", ex.ErrorId);
            Assert.Contains("not active", ex.Message);
            Assert.Equal(nonce, await box.NonceAsync());
        }

        [Fact]
        public async Task A_host_slashed_out_between_the_plan_and_the_send_is_not_registered_with_the_reason()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            await box.RegisterAsync(box.Request());
            RegistrationRequest repriced = box.Request();
            repriced.StablePrice = PriceSetting.FromHuman(7.5m, PriceUnit.UsdcPerMillionTokens);
            HostRegistrar registrar = box.Registrar();
            RegistrationPlan plan = await registrar.PlanAsync(repriced, box.Key, CancellationToken.None);
            Assert.Equal(new[] { "setModelTokenPricing" }, plan.Steps.Select(s => s.Function));
            await _chain.Deployer.SendAsync("TestNodeRegistryPhase18", box.NodeRegistry, "slash",
                box.Key.Address, BigInteger.Parse("950000000000000000000"));
            BigInteger nonce = await box.NonceAsync();
            string configBefore = File.ReadAllText(box.Paths.ConfigFile);

            FabstirException ex = await Assert.ThrowsAnyAsync<FabstirException>(
                () => registrar.RegisterAsync(plan, box.Key, CancellationToken.None));

            Assert.Equal("HostNotRegistered", ex.ErrorId);
            Assert.Contains("slashed in block", ex.Message);
            Assert.Contains("Nothing was sent", ex.Message);
            Assert.Contains("Run the same command again", ex.RecommendedAction);
            Assert.Equal(nonce, await box.NonceAsync());
            Assert.Equal(configBefore, File.ReadAllText(box.Paths.ConfigFile));
        }

        [Fact]
        public async Task The_wrong_chain_id_is_refused_before_any_read()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            var wrong = new FabstirChain(Reprofile(box.Profile, chainId: 8453), box.Log);

            await FailsAsync(box, box.Request(), "ChainIdMismatch", wrong);
        }

        [Fact]
        public async Task An_unreachable_rpc_is_said_to_be_unreachable_not_unregistered()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            string closed = $"http://127.0.0.1:{FreePort.Tcp()}";
            var down = new FabstirChain(Reprofile(box.Profile, rpcUrl: closed), box.Log);

            FabstirException ex = await FailsAsync(box, box.Request(), "RpcUnreachable", down);

            Assert.DoesNotContain("not registered", ex.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public async Task A_registry_address_without_code_is_reported()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            const string empty = "0x000000000000000000000000000000000000dEaD";
            var nowhere = new FabstirChain(Reprofile(box.Profile, nodeRegistry: empty), box.Log);

            FabstirException ex = await FailsAsync(box, box.Request(), "ContractCodeMissing", nowhere);

            Assert.Equal(empty, ex.Target);
        }

        [Fact]
        public async Task An_unreachable_public_url_stops_the_node_it_started_and_sends_nothing()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.NoStart = false;
            request.PublicUrl = $"http://127.0.0.1:{FreePort.Tcp()}";
            request.Port = box.ApiPort;

            FabstirException ex = await FailsAsync(box, request, "PublicUrlUnreachable");

            Assert.Contains($"curl -s http://127.0.0.1:{box.ApiPort}/health", ex.Message);
            Assert.Contains("From another machine: curl -s " + request.PublicUrl + "/health", ex.Message);
            Assert.Contains("all interfaces", ex.Message);
            // Diagnosed before the node was stopped: its own port is not reported closed.
            int urlPort = new Uri(request.PublicUrl).Port;
            Assert.Contains($"Ports/URL port {urlPort}/tcp: nothing listens", ex.Message);
            Assert.DoesNotContain($"API port {box.ApiPort}/tcp", ex.Message);
            Assert.Equal(NodeStateStatus.Stopped, box.NodeState!.Status);
            await box.AssertNothingRunningAsync();
            Assert.False(File.Exists(box.Paths.ConfigFile), "config.json was written although nothing was sent");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public async Task A_public_url_on_a_p2p_port_is_refused_before_the_node_starts(int offset)
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.NoStart = false;
            request.Port = box.ApiPort;
            request.PublicUrl = $"http://127.0.0.1:{box.ApiPort + offset}";

            FabstirException ex = await FailsAsync(box, request, "PortConflict");

            Assert.Contains(
                $"port {box.ApiPort + offset} is one of the node's TCP P2P ports {box.ApiPort + 1} and", ex.Message);
            Assert.Contains("-P2PPort", ex.Message);
            Assert.Null(box.NodeState);
        }

        [Fact]
        public async Task A_missing_model_file_is_refused_before_the_chain_is_read()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.NoStart = false;
            request.ModelPath = Path.Combine(box.Home, "missing", Path.GetFileName(box.ModelPath));

            FabstirException ex = await FailsAsync(box, request, "ModelFileNotFound");

            Assert.Equal(request.ModelPath, ex.Target);
            Assert.Null(box.NodeState);
        }

        [Fact]
        public async Task A_damaged_configuration_is_reported_before_anything_is_sent()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            Directory.CreateDirectory(box.Home);
            File.WriteAllText(box.Paths.ConfigFile, "{ not json");

            FabstirException ex = await FailsAsync(box, box.Request(), "ConfigFileDamaged");

            Assert.Equal(box.Paths.ConfigFile, ex.Target);
            Assert.Equal("{ not json", File.ReadAllText(box.Paths.ConfigFile));
        }

        [Fact]
        public async Task A_secret_looking_metadata_field_is_refused_without_showing_it()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.Metadata["privateKey"] = "0x" + new string('a', 64);

            FabstirException ex = await FailsAsync(box, request, "MetadataSecretRefused");

            Assert.DoesNotContain(new string('a', 64), ex.Message);
        }

        [Theory]
        [InlineData("nested name")]
        [InlineData("value in a list")]
        [InlineData("name in a list")]
        public async Task A_secret_deeper_in_the_metadata_is_refused_too(string where)
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            string secret = "0x" + new string('b', 64);
            request.Metadata["wallet"] = where switch
            {
                "nested name" => new System.Collections.Hashtable { ["privateKey"] = "hunter2" },
                "value in a list" => new object[] { "gpu", secret },
                _ => new object[] { new System.Collections.Hashtable { ["apiKey"] = "hunter2" } },
            };

            FabstirException ex = await FailsAsync(box, request, "MetadataSecretRefused");

            Assert.DoesNotContain("hunter2", ex.Message);
            Assert.DoesNotContain(secret.Substring(2), ex.Message);
        }

        private static async Task<FabstirException> FailsAsync(
            RegistrationSandbox box,
            RegistrationRequest request,
            string errorId,
            FabstirChain? chain = null)
        {
            BigInteger nonce = await box.NonceAsync();
            FabstirException ex = await Assert.ThrowsAnyAsync<FabstirException>(
                () => box.Registrar(chain).RegisterAsync(request, box.Key, CancellationToken.None));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(nonce, await box.NonceAsync());
            Assert.Null((await box.RecordAsync()).IsRegistered ? "registered" : null);
            return ex;
        }

        private static ChainProfile Reprofile(
            ChainProfile profile, long? chainId = null, string? rpcUrl = null, string? nodeRegistry = null)
        {
            return new ChainProfile(
                "Custom",
                chainId ?? profile.ChainId,
                rpcUrl ?? profile.RpcUrl,
                nodeRegistry ?? profile.NodeRegistry,
                profile.ModelRegistry,
                profile.HostEarnings,
                profile.JobMarketplace,
                profile.ProofSystem,
                profile.FabToken,
                profile.UsdcToken);
        }
    }
}
