using System.Numerics;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Config;
using FabstirHost.Core.Models;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>
    /// A fresh NodeRegistry of one pricing generation on the shared local chain, and a host
    /// registered in it straight through the chain layer (approve + registerNode, then phase 18
    /// prices), as Register-FabstirHost would leave it.
    /// </summary>
    public sealed class HostBench
    {
        public static readonly BigInteger Stake = BigInteger.Parse("1000000000000000000000");
        public const string PublicKey = "02a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
        public static readonly BigInteger NativePrice = 3_000_000;
        public static readonly BigInteger StablePrice = 5_000;

        private HostBench(LocalChain local, RegistryGeneration generation, string registry, string hostKey)
        {
            Local = local;
            Generation = generation;
            Registry = registry;
            HostKeyText = hostKey;
            Chain = new FabstirChain(local.Profile(registry));
        }

        public LocalChain Local { get; }

        public RegistryGeneration Generation { get; }

        public string Registry { get; }

        public string HostKeyText { get; }

        public FabstirChain Chain { get; }

        public string Address => Key().Address;

        public string FirstModel => Local.Info.ApprovedModels[0];

        public string SecondModel => Local.Info.ApprovedModels[1];

        public string Artifact => Generation == RegistryGeneration.Legacy
            ? "TestNodeRegistryLegacy"
            : "TestNodeRegistryPhase18";

        /// <summary>A fresh registry; nobody registered yet.</summary>
        public static async Task<HostBench> CreateAsync(
            LocalChain local,
            RegistryGeneration generation,
            string hostKey = DevAccounts.HostKey)
        {
            string registry = await local.DeployNodeRegistryAsync(generation);
            return new HostBench(local, generation, registry, hostKey);
        }

        /// <summary>A fresh registry with the host registered for the first seeded model.</summary>
        public static async Task<HostBench> RegisteredAsync(
            LocalChain local,
            RegistryGeneration generation,
            string hostKey = DevAccounts.HostKey,
            string? metadata = null)
        {
            var bench = await CreateAsync(local, generation, hostKey);
            await bench.RegisterAsync(metadata);
            return bench;
        }

        public HostKey Key() => LocalChain.Key(HostKeyText);

        public HostContext Context(HostConfig? config = null) => new(Chain, Address, config);

        public async Task RegisterAsync(string? metadata = null)
        {
            using HostKey key = Key();
            await Local.Deployer.SendAsync("TestTokens/TestErc20", Local.Info.FabToken, "mint",
                key.Address, Stake);
            await Chain.SendAsync(key, "FAB token", Local.Info.FabToken,
                new ApproveFunction { Spender = Registry, Amount = Stake }, null, CancellationToken.None);
            var model = ModelSpec.Parse(FirstModel);
            await Chain.SendAsync(key, NodeRegistry.ContractName, Registry, new RegisterNodeFunction
            {
                Metadata = metadata ?? $"{{\"publicKey\":\"{PublicKey}\",\"hardware\":\"test GPU\"}}",
                ApiUrl = "http://127.0.0.1:1",
                ModelIds = new List<byte[]> { model.Id.HexToByteArray() },
                MinPricePerTokenNative = NativePrice,
                MinPricePerTokenStable = StablePrice,
            }, null, CancellationToken.None);
            if (Generation == RegistryGeneration.Phase18)
            {
                foreach (var (token, price) in new[] { (Addresses.Zero, NativePrice),
                    (Local.Info.UsdcToken, StablePrice) })
                {
                    await Chain.SendAsync(key, NodeRegistry.ContractName, Registry,
                        new SetModelTokenPricingFunction
                    {
                        ModelId = model.Id.HexToByteArray(), Token = token, Price = price,
                    }, null, CancellationToken.None);
                }
            }
        }

        /// <summary>The owner-only test hook: takes stake away, unregistering below 100 FAB.</summary>
        public Task SlashAsync(BigInteger amount)
        {
            return Local.Deployer.SendAsync(Artifact, Registry, "slash", Address, amount);
        }

        /// <summary>The owner-only test hook: keeps the host registered but inactive.</summary>
        public Task DeactivateAsync()
        {
            return Local.Deployer.SendAsync(Artifact, Registry, "setActive", Address, false);
        }

        public async Task<BigInteger> NonceAsync()
        {
            string hex = await Chain.RequestAsync<string>(
                "eth_getTransactionCount", CancellationToken.None, Address, "latest");
            return new HexBigInteger(hex).Value;
        }

        /// <summary>Runs a planner that must refuse, and checks that nothing was sent.</summary>
        public async Task<FabstirHost.Core.FabstirException> RefusedAsync(Func<Task> plan)
        {
            BigInteger before = await NonceAsync();
            var ex = await Assert.ThrowsAnyAsync<FabstirHost.Core.FabstirException>(plan);
            Assert.Equal(before, await NonceAsync());
            return ex;
        }
    }
}
