using System.Numerics;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Nethereum.Hex.HexConvertors.Extensions;
using Newtonsoft.Json.Linq;
using Xunit;

namespace FabstirHost.Tests.Registration
{
    /// <summary>
    /// Registration end to end on anvil with the stand-in node: first run, re-runs, updates,
    /// resuming after a failure half-way, both pricing generations, and the key staying secret.
    /// </summary>
    public sealed class RegistrationFlowTests : IClassFixture<LocalChain>
    {
        private readonly LocalChain _chain;

        public RegistrationFlowTests(LocalChain chain)
        {
            _chain = chain;
        }

        [Fact]
        public async Task First_run_starts_the_node_registers_prices_every_model_and_token_and_leaks_no_key()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            RegistrationRequest request = box.Request();
            request.NoStart = false;
            request.Metadata["location"] = "eu-west";

            FabstirHostRegistration result = await box.RegisterAsync(request);

            Assert.Equal(RegistrationStatus.Registered, result.Status);
            Assert.Equal(
                new[] { "approve", "registerNode", "setModelTokenPricing", "setModelTokenPricing" },
                result.Transactions.Select(t => t.Function));
            Assert.All(result.Transactions, t => Assert.Matches("^0x[0-9a-f]{64}$", t.Hash));
            Assert.Equal(box.LocalUrl, result.Url);
            Assert.Equal(1000m, result.Stake);
            Assert.Equal(NodeStatus.Ready, result.Node!.Status);
            Assert.Contains("cannot be reached from the internet", box.Log.All);
            Assert.Equal(5m, result.UsdcPerMillionTokens);
            Assert.Equal(new BigInteger(5000), result.StablePrice);

            FabstirNodeRecord record = await box.RecordAsync();
            Assert.Equal(box.LocalUrl, record.ApiUrl);
            Assert.Equal(new[] { result.Models[0].Id }, record.ModelIds);
            JObject metadata = JObject.Parse(record.Metadata);
            Assert.Equal(HostMetadata.PublicKeyOf(box.Key), (string?)metadata["publicKey"]);
            Assert.Matches("^0x0[23][0-9a-f]{64}$", (string)metadata["publicKey"]!);
            Assert.Equal("eu-west", (string?)metadata["location"]);
            Assert.Equal(Environment.ProcessorCount, (int)metadata["cpuCount"]!);
            Assert.Equal(result.NativePrice, await PriceAsync(box, result.Models[0].Id, Addresses.Zero));
            string usdc = _chain.Info.UsdcToken;
            Assert.Equal(result.StablePrice, await PriceAsync(box, result.Models[0].Id, usdc));

            HostConfig config = HostConfigStore.Load(box.Paths)!;
            Assert.True(config.Registered);
            Assert.Equal(box.LocalUrl, config.PublicUrl);
            Assert.Equal(new[] { box.ServedSpec }, config.Models);
            Assert.Equal(box.Key.Address, config.HostAddress);
            Assert.Equal(box.ApiPort, config.ApiPort);
            Assert.Equal(box.ModelPath, config.ModelPath);
            Assert.Equal(_chain.Info.NodeRegistry, config.Chain!.Contracts!["nodeRegistry"]);

            // The node got the key in its environment, and it appears nowhere else.
            NodeState state = box.NodeState!;
            string environment = File.ReadAllText($"/proc/{state.NodePid}/environ");
            Assert.Contains("HOST_PRIVATE_KEY=" + box.PrivateKey, environment);
            string supervisor = File.ReadAllText($"/proc/{state.SupervisorPid}/environ") +
                File.ReadAllText($"/proc/{state.SupervisorPid}/cmdline") +
                File.ReadAllText($"/proc/{state.NodePid}/cmdline");
            AssertNoKey(box, supervisor);
            string homeText = box.AllHomeText();
            Assert.Contains("Host private key loaded", homeText);
            string progress = string.Join("\n", box.Log.ProgressRecords.Select(p => p.Status));
            AssertNoKey(box, homeText + box.Log.All + progress);
        }

        [Fact]
        public async Task The_same_arguments_again_send_nothing_and_report_unchanged()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            await box.RegisterAsync(box.Request());
            BigInteger nonce = await box.NonceAsync();

            FabstirHostRegistration again = await box.RegisterAsync(box.Request());

            Assert.Equal(RegistrationStatus.Unchanged, again.Status);
            Assert.Empty(again.Transactions);
            Assert.Equal(nonce, await box.NonceAsync());
            Assert.Contains("unchanged", box.Log.All);
        }

        [Fact]
        public async Task Changed_arguments_send_only_the_updates_and_keep_the_public_key()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            await box.RegisterAsync(box.Request());
            string second = _chain.Info.ApprovedModels[1];
            RegistrationRequest request = box.Request(box.ServedSpec, second);
            request.Force = true;
            request.PublicUrl = $"http://127.0.0.1:{box.ApiPort}/node1";
            request.Metadata["region"] = "test";
            request.StablePrice = PriceSetting.FromHuman(7.5m, PriceUnit.UsdcPerMillionTokens);

            FabstirHostRegistration updated = await box.RegisterAsync(request);

            Assert.Equal(RegistrationStatus.Updated, updated.Status);
            Assert.Equal(
                new[]
                {
                    "updateApiUrl", "updateMetadata", "updateSupportedModels",
                    "setModelTokenPricing", "setModelTokenPricing", "setModelTokenPricing",
                },
                updated.Transactions.Select(t => t.Function));
            FabstirNodeRecord record = await box.RecordAsync();
            Assert.Equal(request.PublicUrl, record.ApiUrl);
            Assert.Equal(2, record.ModelIds.Count);
            JObject metadata = JObject.Parse(record.Metadata);
            Assert.Equal(HostMetadata.PublicKeyOf(box.Key), (string?)metadata["publicKey"]);
            Assert.Equal("test", (string?)metadata["region"]);
            string usdc = _chain.Info.UsdcToken;
            Assert.Equal(new BigInteger(7500), await PriceAsync(box, updated.Models[0].Id, usdc));
            Assert.Equal(new BigInteger(7500), await PriceAsync(box, updated.Models[1].Id, usdc));
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(request)).Status);
        }

        [Fact]
        public async Task A_secret_an_older_tool_published_is_dropped_with_a_warning_and_the_public_key_kept()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            await box.RegisterAsync(box.Request());
            await box.SendAsHostAsync("TestNodeRegistryPhase18", box.NodeRegistry, "updateMetadata",
                "{\"privateKey\":\"0xdead\",\"hardware\":\"test GPU\"}");
            BigInteger nonce = await box.NonceAsync();

            FabstirHostRegistration fixedUp = await box.RegisterAsync(box.Request());

            Assert.Equal(new[] { "updateMetadata" }, fixedUp.Transactions.Select(t => t.Function));
            Assert.Equal(nonce + 1, await box.NonceAsync());
            JObject metadata = JObject.Parse((await box.RecordAsync()).Metadata);
            Assert.Null(metadata["privateKey"]);
            Assert.Equal("test GPU", (string?)metadata["hardware"]);
            Assert.Equal(HostMetadata.PublicKeyOf(box.Key), (string?)metadata["publicKey"]);
            Assert.Contains("treat that secret as exposed", box.Log.All);
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(box.Request())).Status);
        }

        [Fact]
        public async Task A_revert_half_way_is_decoded_and_the_rerun_resumes_from_the_chain()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            byte[] other = ModelSpecId(_chain.Info.ApprovedModels[1]);
            HostRegistrar registrar = box.Registrar();
            registrar.BeforeEachTransaction = async (step, _) =>
            {
                // Someone else with the key changes the models between registerNode and pricing.
                if (step.Function == "setModelTokenPricing" && step.Step == 3)
                {
                    await box.SendAsHostAsync(
                        "TestNodeRegistryPhase18", box.NodeRegistry, "updateSupportedModels",
                        new List<byte[]> { other });
                }
            };

            var failure = await Assert.ThrowsAsync<ContractRevertedException>(
                () => registrar.RegisterAsync(box.Request(), box.Key, CancellationToken.None));

            Assert.Equal("ContractReverted", failure.ErrorId);
            Assert.Equal("Model not supported", failure.Reason);
            Assert.Equal("setModelTokenPricing", failure.Function);
            Assert.Contains("registerNode", failure.RecommendedAction);
            Assert.Contains("Run the same command again", failure.RecommendedAction);
            BigInteger nonce = await box.NonceAsync();

            FabstirHostRegistration resumed = await box.RegisterAsync(box.Request());

            Assert.Equal(RegistrationStatus.Updated, resumed.Status);
            Assert.Equal(
                new[] { "updateSupportedModels", "setModelTokenPricing", "setModelTokenPricing" },
                resumed.Transactions.Select(t => t.Function));
            Assert.Equal(nonce + 3, await box.NonceAsync());
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(box.Request())).Status);
        }

        [Fact]
        public async Task A_legacy_registerNode_reverting_after_the_approval_resumes_without_approving_again()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain, _chain.Info.LegacyNodeRegistry);
            HostRegistrar registrar = box.Registrar();
            registrar.BeforeEachTransaction = async (step, _) =>
            {
                // The FAB leaves the wallet once the approval is mined, so the stake cannot be pulled.
                if (step.Function == "registerNode")
                {
                    await box.SendAsHostAsync("TestTokens/TestErc20", _chain.Info.FabToken, "transfer",
                        DevAccounts.BystanderAddress, RegistrationSandbox.TenThousandFab);
                }
            };

            var failure = await Assert.ThrowsAsync<ContractRevertedException>(
                () => registrar.RegisterAsync(box.Request(), box.Key, CancellationToken.None));

            Assert.Equal("ContractReverted", failure.ErrorId);
            Assert.Equal("registerNode", failure.Function);
            Assert.StartsWith("ERC20InsufficientBalance(sender=", failure.Reason);
            Assert.Contains("Mined before the failure: approve 0x", failure.RecommendedAction);
            Assert.False((await box.RecordAsync()).IsRegistered);
            await _chain.Deployer.SendAsync("TestTokens/TestErc20", _chain.Info.FabToken, "mint",
                box.Key.Address, RegistrationSandbox.TenThousandFab);
            BigInteger nonce = await box.NonceAsync();

            FabstirHostRegistration resumed = await box.RegisterAsync(box.Request());

            Assert.Equal(RegistrationStatus.Registered, resumed.Status);
            Assert.Equal(new[] { "registerNode" }, resumed.Transactions.Select(t => t.Function));
            Assert.Equal(nonce + 1, await box.NonceAsync());
            Assert.True((await box.RecordAsync()).IsRegistered);
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(box.Request())).Status);
        }

        [Fact]
        public async Task Cancelling_after_registerNode_was_mined_still_saves_the_registration()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            using var stop = new CancellationTokenSource();
            HostRegistrar registrar = box.Registrar();
            registrar.BeforeEachTransaction = (step, token) =>
            {
                // Ctrl+C once the host is registered, before its prices are sent.
                if (step.Function == "setModelTokenPricing")
                {
                    stop.Cancel();
                    token.ThrowIfCancellationRequested();
                }

                return Task.CompletedTask;
            };

            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => registrar.RegisterAsync(box.Request(), box.Key, stop.Token));

            Assert.True((await box.RecordAsync()).IsRegistered);
            HostConfig config = HostConfigStore.Load(box.Paths)!;
            Assert.True(config.Registered);
            Assert.Equal(box.Key.Address, config.HostAddress);
            Assert.Equal(box.LocalUrl, config.PublicUrl);
        }

        [Fact]
        public async Task An_allowance_already_given_is_not_approved_again()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            await box.SendAsHostAsync("TestTokens/TestErc20", _chain.Info.FabToken, "approve",
                box.NodeRegistry, RegistrationSandbox.TenThousandFab);

            FabstirHostRegistration result = await box.RegisterAsync(box.Request());

            Assert.DoesNotContain(result.Transactions, t => t.Function == "approve");
            Assert.Equal("registerNode", result.Transactions[0].Function);
        }

        [Fact]
        public async Task The_legacy_generation_registers_with_node_prices_and_updates_them_with_its_setters()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain, _chain.Info.LegacyNodeRegistry);

            FabstirHostRegistration first = await box.RegisterAsync(box.Request());

            Assert.Equal(PricingGeneration.Legacy, first.Generation);
            Assert.Equal(new[] { "approve", "registerNode" }, first.Transactions.Select(t => t.Function));
            RegistrationRequest repriced = box.Request();
            repriced.NativePrice = PriceSetting.FromHuman(2000000m, PriceUnit.GweiPerMillionTokens);
            repriced.StablePrice = PriceSetting.FromRaw(PriceKind.Stable, 9000);

            FabstirHostRegistration second = await box.RegisterAsync(repriced);

            Assert.Equal(
                new[] { "updatePricingNative", "updatePricingStable" },
                second.Transactions.Select(t => t.Function));
            FabstirNodeRecord record = await box.RecordAsync();
            Assert.Equal(BigInteger.Parse("2000000000000"), record.MinPricePerTokenNative);
            Assert.Equal(new BigInteger(9000), record.MinPricePerTokenStable);
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(repriced)).Status);
        }

        [Fact]
        public async Task Legacy_overrides_that_contradict_the_wanted_prices_are_cleared_or_reset()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain, _chain.Info.LegacyNodeRegistry);
            FabstirHostRegistration first = await box.RegisterAsync(box.Request());
            byte[] model = ModelSpecId(box.ServedSpec);
            await box.SendAsHostAsync("TestNodeRegistryLegacy", box.NodeRegistry, "setModelPricing",
                model, new BigInteger(300000), new BigInteger(42));
            await box.SendAsHostAsync("TestNodeRegistryLegacy", box.NodeRegistry, "setTokenPricing",
                _chain.Info.UsdcToken, new BigInteger(43));

            FabstirHostRegistration fixedUp = await box.RegisterAsync(box.Request());

            Assert.Equal(
                new[] { "setTokenPricing", "clearModelPricing" },
                fixedUp.Transactions.Select(t => t.Function));
            var read = new Core.Chain.Contracts.GetModelPricingFunction
            {
                Operator = box.Key.Address, ModelId = model, Token = _chain.Info.UsdcToken,
            };
            var price = await box.Chain.CallAsync<Core.Chain.Contracts.GetModelPricingFunction, UintOutput>(
                "NodeRegistry", box.NodeRegistry, read, CancellationToken.None);
            Assert.Equal(first.StablePrice, price.Value);
            Assert.Equal(RegistrationStatus.Unchanged, (await box.RegisterAsync(box.Request())).Status);
        }

        [Fact]
        public async Task WhatIf_plans_every_transaction_with_gas_and_cost_and_sends_nothing()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);

            RegistrationPlan plan =
                await box.Registrar().PlanAsync(box.Request(), box.Key, CancellationToken.None);

            Assert.Equal(RegistrationStatus.Registered, plan.Status);
            Assert.Equal(4, plan.Transactions.Count);
            Assert.False(plan.Transactions[0].GasAssumed);
            Assert.True(plan.Transactions[1].GasAssumed);
            Assert.All(plan.Transactions, t => Assert.True(t.MaxCostEth > 0));
            string text = plan.Describe();
            Assert.Contains("FAB token.approve(spender", text);
            Assert.Contains("NodeRegistry.registerNode(metadata", text);
            Assert.Contains("USDC per million tokens", text);
            Assert.Equal(BigInteger.Zero, await box.NonceAsync());
            Assert.Null(HostConfigStore.Load(box.Paths));
        }

        [Fact]
        public async Task The_plan_header_says_whether_it_registers_updates_or_changes_nothing()
        {
            using var box = await RegistrationSandbox.CreateAsync(_chain);
            string header = $"Register host {box.Key.Address} at {box.LocalUrl}";

            string fresh = (await box.Registrar().PlanAsync(box.Request(), box.Key, CancellationToken.None))
                .Describe();
            await box.RegisterAsync(box.Request());
            string same = (await box.Registrar().PlanAsync(box.Request(), box.Key, CancellationToken.None))
                .Describe();
            RegistrationRequest repriced = box.Request();
            repriced.StablePrice = PriceSetting.FromHuman(7.5m, PriceUnit.UsdcPerMillionTokens);
            string update = (await box.Registrar().PlanAsync(repriced, box.Key, CancellationToken.None))
                .Describe();

            Assert.StartsWith(header + " (not registered yet: a new registration;", fresh);
            Assert.StartsWith(header + " (registered and unchanged: nothing to send;", same);
            Assert.StartsWith(header + " (registered: an update of what differs;", update);
            Assert.DoesNotContain("(Registered;", fresh);
        }

        private async Task<BigInteger> PriceAsync(RegistrationSandbox box, string modelId, string token)
        {
            var output = await box.Chain.CallAsync<ModelTokenPricingFunction, UintOutput>(
                "NodeRegistry",
                box.NodeRegistry,
                new ModelTokenPricingFunction
                {
                    Operator = box.Key.Address,
                    ModelId = modelId.HexToByteArray(),
                    Token = token,
                },
                CancellationToken.None);
            return output.Value;
        }

        private static byte[] ModelSpecId(string otherSpec)
        {
            string[] parts = otherSpec.Split(':');
            return TestChainDeployer.ModelId(parts[0], parts[1]);
        }

        internal static void AssertNoKey(RegistrationSandbox box, string text)
        {
            string bare = box.PrivateKey.Substring(2);
            Assert.DoesNotContain(bare, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
