using FabstirHost.Core.Chain;
using FabstirHost.Core.Config;
using FabstirHost.TestChain;
using Xunit;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>
    /// A fresh anvil (chain id 84532) with the project's Solidity test doubles deployed and seeded:
    /// two approved models, one deactivated, the deployer authorised on HostEarnings, 5000 FAB for
    /// the test host. Use it as a class or collection fixture; anvil is killed on dispose.
    /// </summary>
    public sealed class LocalChain : IAsyncLifetime
    {
        private AnvilProcess? _anvil;
        private TestChainInfo? _info;
        private TestChainDeployer? _deployer;

        public string RpcUrl => Anvil.RpcUrl;

        public long ChainId => AnvilProcess.ChainId;

        /// <summary>Addresses, keys and seeded models of this chain.</summary>
        public TestChainInfo Info => _info ?? throw NotStarted();

        /// <summary>Sends set-up transactions from the deployer (anvil account 0).</summary>
        public TestChainDeployer Deployer => _deployer ?? throw NotStarted();

        public AnvilProcess Anvil => _anvil ?? throw NotStarted();

        public string DeployerKey => DevAccounts.DeployerKey;

        public string HostKey => DevAccounts.HostKey;

        public string HostAddress => DevAccounts.HostAddress;

        public async Task InitializeAsync()
        {
            _anvil = await AnvilProcess.StartAsync(TestAssets.Anvil);
            _deployer = new TestChainDeployer(_anvil.RpcUrl, TestAssets.Contracts);
            _info = await _deployer.DeployAllAsync();
        }

        /// <summary>Deploys a fresh, empty NodeRegistry of the given pricing generation.</summary>
        public Task<string> DeployNodeRegistryAsync(RegistryGeneration generation)
        {
            return Deployer.DeployNodeRegistryAsync(generation, Info.FabToken, Info.ModelRegistry);
        }

        /// <summary>
        /// A chain profile for this chain. JobMarketplace and ProofSystem are not deployed (the
        /// host flows do not use them) and stay at the zero address.
        /// </summary>
        public ChainProfile Profile(string? nodeRegistry = null)
        {
            return new ChainProfile(
                "Local",
                ChainId,
                RpcUrl,
                nodeRegistry ?? Info.NodeRegistry,
                Info.ModelRegistry,
                Info.HostEarnings,
                Addresses.Zero,
                Addresses.Zero,
                Info.FabToken,
                Info.UsdcToken);
        }

        /// <summary>A HostKey for one of the dev keys, as the key resolver would produce it.</summary>
        public static HostKey Key(string privateKey)
        {
            return HostKeyStore.ParsePrivateKey(KeyResolver.ToSecure(privateKey), KeySource.Parameter);
        }

        public Task DisposeAsync()
        {
            _anvil?.Dispose();
            return Task.CompletedTask;
        }

        private static InvalidOperationException NotStarted()
        {
            return new InvalidOperationException("The local chain is not started.");
        }
    }
}
