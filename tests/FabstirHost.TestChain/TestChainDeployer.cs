using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.RPC.TransactionReceipts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace FabstirHost.TestChain
{
    /// <summary>Which NodeRegistry pricing generation to deploy.</summary>
    public enum RegistryGeneration
    {
        Legacy,
        Phase18,
    }

    /// <summary>
    /// Deploys the project's Solidity test doubles (compiled by build.ps1 into out/contracts) to a
    /// chain and seeds it: two approved models, one deactivated, the deployer authorised to credit
    /// earnings, FAB for the test host.
    /// </summary>
    public sealed class TestChainDeployer
    {
        public static readonly (string Repo, string File)[] SeedModels =
        {
            ("CohereForAI/TinyVicuna-1B-32k-GGUF", "tiny-vicuna-1b.q4_k_m.gguf"),
            ("TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF", "tinyllama-1b.Q4_K_M.gguf"),
        };

        public static readonly (string Repo, string File) DeactivatedSeedModel =
            ("TheBloke/Retired-Model-GGUF", "retired.Q4_K_M.gguf");

        public static readonly (string Repo, string File) UnknownSeedModel =
            ("Nobody/Never-Registered-GGUF", "never.gguf");

        /// <summary>5000 FAB: enough for the 1000 FAB stake and later additions.</summary>
        public static readonly BigInteger HostFabGrant = BigInteger.Parse("5000000000000000000000");

        private static readonly HexBigInteger DeployGas = new(6_000_000);
        private static readonly HexBigInteger CallGas = new(1_000_000);

        private readonly string _contractsDirectory;
        private readonly Web3 _web3;

        public TestChainDeployer(string rpcUrl, string contractsDirectory)
        {
            _contractsDirectory = contractsDirectory;
            RpcUrl = rpcUrl;
            _web3 = CreateWeb3(DevAccounts.DeployerKey, rpcUrl);
        }

        public string RpcUrl { get; }

        /// <summary>
        /// A Web3 signing with <paramref name="privateKey"/> that polls receipts every 20 ms.
        /// </summary>
        public static Web3 CreateWeb3(string privateKey, string rpcUrl)
        {
            var web3 = new Web3(new Account(privateKey, AnvilProcess.ChainId), rpcUrl);
            web3.TransactionManager.TransactionReceiptService =
                new TransactionReceiptPollingService(web3.TransactionManager, 20);
            return web3;
        }

        public async Task<TestChainInfo> DeployAllAsync()
        {
            var info = new TestChainInfo { RpcUrl = RpcUrl, ChainId = AnvilProcess.ChainId };
            info.FabToken = await DeployAsync("TestTokens", "TestFabToken");
            info.UsdcToken = await DeployAsync("TestTokens", "TestUsdcToken");
            info.ModelRegistry = await DeployAsync("TestModelRegistry", "TestModelRegistry");
            info.NodeRegistry =
                await DeployNodeRegistryAsync(RegistryGeneration.Phase18, info.FabToken, info.ModelRegistry);
            info.LegacyNodeRegistry =
                await DeployNodeRegistryAsync(RegistryGeneration.Legacy, info.FabToken, info.ModelRegistry);
            info.HostEarnings = await DeployAsync("TestHostEarnings", "TestHostEarnings");

            foreach (var (repo, file) in SeedModels)
            {
                string hash = SeedHash(repo, file);
                await SendAsync(
                    "TestModelRegistry", info.ModelRegistry, "addTrustedModel", repo, file, FromHex(hash));
                info.ApprovedModels.Add($"{repo}:{file}");
                info.ModelHashes[$"{repo}:{file}"] = hash;
            }

            var retired = DeactivatedSeedModel;
            await SendAsync("TestModelRegistry", info.ModelRegistry, "addTrustedModel",
                retired.Repo, retired.File, FromHex(SeedHash(retired.Repo, retired.File)));
            await SendAsync(
                "TestModelRegistry",
                info.ModelRegistry,
                "deactivateModel",
                ModelId(retired.Repo, retired.File));
            info.DeactivatedModel = $"{retired.Repo}:{retired.File}";
            info.UnknownModel = $"{UnknownSeedModel.Repo}:{UnknownSeedModel.File}";

            await SendAsync(
                "TestHostEarnings",
                info.HostEarnings,
                "setAuthorizedCaller",
                DevAccounts.DeployerAddress,
                true);
            await SendAsync(
                "TestTokens/TestErc20", info.FabToken, "mint", DevAccounts.HostAddress, HostFabGrant);
            return info;
        }

        public Task<string> DeployNodeRegistryAsync(
            RegistryGeneration generation,
            string fabToken,
            string modelRegistry)
        {
            string name = generation == RegistryGeneration.Legacy
                ? "TestNodeRegistryLegacy"
                : "TestNodeRegistryPhase18";
            return DeployAsync(name, name, fabToken, modelRegistry);
        }

        public async Task<string> DeployAsync(
            string file,
            string contract,
            params object[] constructorArguments)
        {
            var (abi, bytecode) = ReadArtifact(file, contract);
            TransactionReceipt receipt = await _web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
                abi, bytecode, DevAccounts.DeployerAddress, DeployGas, null, constructorArguments);
            EnsureSucceeded(receipt, $"deploy {contract}");
            return receipt.ContractAddress;
        }

        /// <summary>
        /// Sends a transaction from the deployer, by function name, for seeding and test set-up.
        /// <paramref name="artifact"/> is a source file name, or <c>File/Contract</c> when they differ.
        /// </summary>
        public async Task<TransactionReceipt> SendAsync(
            string artifact, string address, string function, params object[] arguments)
        {
            string[] parts = artifact.Split('/');
            var (abi, _) = ReadArtifact(parts[0], parts[^1]);
            var call = _web3.Eth.GetContract(abi, address).GetFunction(function);
            TransactionReceipt receipt = await call.SendTransactionAndWaitForReceiptAsync(
                DevAccounts.DeployerAddress, CallGas, new HexBigInteger(BigInteger.Zero), null, arguments);
            EnsureSucceeded(receipt, function);
            return receipt;
        }

        /// <summary>
        /// Credits <paramref name="amount"/> of ETH (token 0) or a token to a host on HostEarnings.
        /// </summary>
        public async Task CreditEarningsAsync(
            TestChainInfo info,
            string host,
            string token,
            BigInteger amount)
        {
            if (token == "0x0000000000000000000000000000000000000000")
            {
                var receipt = await _web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(
                    info.HostEarnings, Nethereum.Util.UnitConversion.Convert.FromWei(amount), gas: 100_000);
                EnsureSucceeded(receipt, "fund HostEarnings with ETH");
            }
            else
            {
                await SendAsync("TestTokens/TestErc20", token, "mint", info.HostEarnings, amount);
            }

            await SendAsync("TestHostEarnings", info.HostEarnings, "creditEarnings", host, amount, token);
        }

        public static byte[] ModelId(string repo, string file)
        {
            return new Nethereum.Util.Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes(repo + "/" + file));
        }

        /// <summary>
        /// A deterministic stand-in for a model file's sha256 (no real file is hashed here).
        /// </summary>
        public static string SeedHash(string repo, string file)
        {
            byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("seed:" + repo + "/" + file));
            return "0x" + Convert.ToHexString(hash).ToLowerInvariant();
        }

        private static byte[] FromHex(string hex) => Convert.FromHexString(hex[2..]);

        private (string Abi, string Bytecode) ReadArtifact(string file, string contract)
        {
            string stem = Path.Combine(_contractsDirectory, $"{file}_sol_{contract}");
            return (File.ReadAllText(stem + ".abi"), File.ReadAllText(stem + ".bin").Trim());
        }

        private static void EnsureSucceeded(TransactionReceipt receipt, string what)
        {
            if (receipt.Status?.Value != BigInteger.One)
            {
                throw new InvalidOperationException(
                    $"Seeding step '{what}' failed in transaction {receipt.TransactionHash}.");
            }
        }
    }
}
