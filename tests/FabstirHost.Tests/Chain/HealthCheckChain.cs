using System.Numerics;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Config;
using FabstirHost.Core.Models;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain
{
    /// <summary>
    /// A local chain with hosts registered directly through the chain layer (approve, registerNode,
    /// pricing), each in its own NodeRegistry: a complete phase 18 host, a phase 18 host with a
    /// missing price, and a legacy host.
    /// </summary>
    public sealed class HealthCheckChain : IAsyncLifetime
    {
        public const string RegisteredUrl = "https://host.example:8443";

        private static readonly BigInteger Stake = BigInteger.Parse("1000000000000000000000");

        public LocalChain Local { get; } = new LocalChain();

        /// <summary>Phase 18: both seeded models, priced in the native coin and USDC.</summary>
        public string CompleteRegistry { get; private set; } = "";

        /// <summary>Phase 18: both models, but the second has no USDC price.</summary>
        public string UnpricedRegistry { get; private set; } = "";

        /// <summary>Phase 18: registered, then deactivated by the owner's test hook.</summary>
        public string InactiveRegistry { get; private set; } = "";

        /// <summary>Legacy: both models on the node-wide prices, one with its own native price.</summary>
        public string LegacyRegistry { get; private set; } = "";

        public IReadOnlyList<ModelSpec> Models =>
            Local.Info.ApprovedModels.Select(ModelSpec.Parse).ToList();

        public async Task InitializeAsync()
        {
            await Local.InitializeAsync();
            CompleteRegistry = await Local.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            UnpricedRegistry = await Local.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            LegacyRegistry = await Local.DeployNodeRegistryAsync(RegistryGeneration.Legacy);

            using HostKey key = LocalChain.Key(Local.HostKey);
            await RegisterAsync(CompleteRegistry, key);
            foreach (ModelSpec model in Models)
            {
                await PriceAsync(CompleteRegistry, key, model, Addresses.Zero, 3_000_000);
                await PriceAsync(CompleteRegistry, key, model, Local.Info.UsdcToken, 5000);
            }

            await RegisterAsync(UnpricedRegistry, key);
            await PriceAsync(UnpricedRegistry, key, Models[0], Addresses.Zero, 3_000_000);
            await PriceAsync(UnpricedRegistry, key, Models[0], Local.Info.UsdcToken, 5000);
            await PriceAsync(UnpricedRegistry, key, Models[1], Addresses.Zero, 3_000_000);

            InactiveRegistry = await Local.DeployNodeRegistryAsync(RegistryGeneration.Phase18);
            await RegisterAsync(InactiveRegistry, key);
            await Local.Deployer.SendAsync(
                "TestNodeRegistryPhase18", InactiveRegistry, "setActive", key.Address, false);

            await RegisterAsync(LegacyRegistry, key);
            await SendAsync(LegacyRegistry, key, new SetModelPricingFunction
            {
                ModelId = Models[1].IdBytes,
                NativePrice = 4_000_000,
            });
        }

        public Task DisposeAsync() => Local.DisposeAsync();

        public FabstirChain Chain(string registry) => new FabstirChain(Local.Profile(registry));

        /// <summary>Approves the stake and registers the key's host with both models, unpriced.</summary>
        public async Task RegisterAsync(string registry, HostKey key)
        {
            var chain = Chain(registry);
            await chain.SendAsync(key, "FAB token", Local.Info.FabToken,
                new ApproveFunction { Spender = registry, Amount = Stake }, null, CancellationToken.None);
            await SendAsync(registry, key, new RegisterNodeFunction
            {
                Metadata = "{\"hardware\":\"test\"}",
                ApiUrl = RegisteredUrl,
                ModelIds = Models.Select(m => m.IdBytes).ToList(),
                MinPricePerTokenNative = 3_000_000,
                MinPricePerTokenStable = 5000,
            });
        }

        private Task PriceAsync(string registry, HostKey key, ModelSpec model, string token, BigInteger price)
        {
            return SendAsync(registry, key, new SetModelTokenPricingFunction
            {
                ModelId = model.IdBytes,
                Token = token,
                Price = price,
            });
        }

        private Task SendAsync<TFunction>(string registry, HostKey key, TFunction function)
            where TFunction : Nethereum.Contracts.FunctionMessage, new()
        {
            return Chain(registry).SendAsync(
                key, "NodeRegistry", registry, function, null, CancellationToken.None);
        }
    }
}
