using System.Numerics;
using System.Text;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using FabstirHost.Tests.Node;
using Nethereum.Hex.HexTypes;

namespace FabstirHost.Tests.Registration
{
    /// <summary>
    /// One registration test's world: a fresh funded host account on the shared local chain, a
    /// node sandbox (home, ports, stand-in) with a GGUF file named like an approved model, and a
    /// registrar for them. Disposing stops every process the test started.
    /// </summary>
    public sealed class RegistrationSandbox : IDisposable
    {
        public static readonly BigInteger TenThousandFab = BigInteger.Parse("10000000000000000000000");

        private readonly LocalChain _chain;
        private readonly NodeSandbox _node = new NodeSandbox();

        private RegistrationSandbox(LocalChain chain, HostKey key, string privateKey, string nodeRegistry)
        {
            _chain = chain;
            Key = key;
            PrivateKey = privateKey;
            NodeRegistry = nodeRegistry;
            Profile = chain.Profile(nodeRegistry);
            Chain = new FabstirChain(Profile, Log);
            ServedSpec = chain.Info.ApprovedModels[0];
            ModelPath = Path.Combine(_node.Home, "models", ServedSpec.Split(':')[1]);
            File.WriteAllBytes(ModelPath, new byte[] { 0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0 }); // "GGUF", v3
        }

        public HostKey Key { get; }

        /// <summary>The key's text, only for searching outputs for leaks.</summary>
        public string PrivateKey { get; }

        public string NodeRegistry { get; }

        public ChainProfile Profile { get; }

        public FabstirChain Chain { get; }

        public CollectingLog Log { get; } = new CollectingLog();

        public FabstirPaths Paths => _node.Paths;

        public string Home => _node.Home;

        public int ApiPort => _node.ApiPort;

        public string ModelPath { get; }

        /// <summary>The approved model whose file the sandbox's model file is.</summary>
        public string ServedSpec { get; }

        public string LocalUrl => $"http://127.0.0.1:{ApiPort}";

        /// <summary>A new random host with ETH (100) and FAB (10 000), on the given registry.</summary>
        public static async Task<RegistrationSandbox> CreateAsync(
            LocalChain chain,
            string? nodeRegistry = null,
            decimal eth = 100m,
            BigInteger? fab = null)
        {
            var key = Nethereum.Signer.EthECKey.GenerateKey();
            string privateKey = key.GetPrivateKey();
            HostKey hostKey = LocalChain.Key(privateKey);
            BigInteger wei = Nethereum.Util.UnitConversion.Convert.ToWei(eth);
            await SetEthBalanceAsync(chain, hostKey.Address, wei);
            BigInteger grant = fab ?? TenThousandFab;
            if (!grant.IsZero)
            {
                await chain.Deployer.SendAsync(
                    "TestTokens/TestErc20", chain.Info.FabToken, "mint", hostKey.Address, grant);
            }

            string registry = nodeRegistry ?? chain.Info.NodeRegistry;
            return new RegistrationSandbox(chain, hostKey, privateKey, registry);
        }

        public static async Task SetEthBalanceAsync(LocalChain chain, string address, BigInteger wei)
        {
            var web3 = new Nethereum.Web3.Web3(chain.RpcUrl);
            await web3.Client.SendRequestAsync(new Nethereum.JsonRpc.Client.RpcRequest(
                1, "anvil_setBalance", address, new HexBigInteger(wei).HexValue));
        }

        public HostRegistrar Registrar(FabstirChain? chain = null)
        {
            return new HostRegistrar(chain ?? Chain, Paths, Log);
        }

        /// <summary>A request for the sandbox's model at its local URL, without starting the node.</summary>
        public RegistrationRequest Request(params string[] models)
        {
            return new RegistrationRequest
            {
                PublicUrl = LocalUrl,
                Models = models.Length == 0 ? new List<string> { ServedSpec } : models.ToList(),
                ModelPath = ModelPath,
                NoStart = true,
                ProbeTimeout = TimeSpan.FromSeconds(3),
                NodeOptions = new NodeLaunchOptions(Paths)
                {
                    NodePath = TestAssets.StandInNode,
                    SupervisorHost = NodeSandbox.PwshPath,
                    ReadyTimeout = TimeSpan.FromSeconds(30),
                },
            };
        }

        public Task<FabstirHostRegistration> RegisterAsync(RegistrationRequest request)
        {
            return Registrar().RegisterAsync(request, Key, CancellationToken.None);
        }

        public Task<BigInteger> NonceAsync()
        {
            return Chain.GetPendingNonceAsync(Key.Address, CancellationToken.None);
        }

        public Task<FabstirNodeRecord> RecordAsync()
        {
            return new NodeRegistry(Chain).GetNodeAsync(Key.Address, CancellationToken.None);
        }

        /// <summary>Sends a transaction from the host's own key, outside the registrar.</summary>
        public async Task SendAsHostAsync(
            string artifact,
            string address,
            string function,
            params object[] arguments)
        {
            var web3 = TestChainDeployer.CreateWeb3(PrivateKey, _chain.RpcUrl);
            string[] parts = artifact.Split('/');
            string stem = Path.Combine(TestAssets.Contracts, $"{parts[0]}_sol_{parts[^1]}");
            var contract = web3.Eth.GetContract(File.ReadAllText(stem + ".abi"), address);
            var receipt = await contract.GetFunction(function).SendTransactionAndWaitForReceiptAsync(
                Key.Address, new HexBigInteger(1_000_000), new HexBigInteger(0), null, arguments);
            if (receipt.Status.Value != BigInteger.One)
            {
                throw new InvalidOperationException($"{function} failed in the test set-up.");
            }
        }

        public NodeState? NodeState => NodeStateStore.Load(Paths);

        /// <summary>Every text file in the home folder (config, keystore, state, node logs).</summary>
        public string AllHomeText()
        {
            var text = new StringBuilder();
            foreach (string file in Directory.EnumerateFiles(Home, "*", SearchOption.AllDirectories))
            {
                text.Append(File.ReadAllText(file)).Append('\n');
            }

            return text.ToString();
        }

        public Task AssertNothingRunningAsync() => _node.AssertNothingRunningAsync();

        public void Dispose()
        {
            Key.Dispose();
            _node.Dispose();
        }
    }
}
