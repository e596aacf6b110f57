using System.Security.Cryptography;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.HostManagement
{
    /// <summary>Checking real files against hashes the ModelRegistry holds.</summary>
    [Collection(HostChainCollection.Name)]
    public sealed class ModelCheckTests : IDisposable
    {
        private readonly LocalChain _chain;
        private readonly string _folder;

        public ModelCheckTests(LocalChain chain)
        {
            _chain = chain;
            _folder = Directory.CreateTempSubdirectory("fabstir-model-").FullName;
        }

        public void Dispose()
        {
            Directory.Delete(_folder, recursive: true);
        }

        [Fact]
        public async Task AFileMatchingTheRegistrysHashPassesAndIsFoundByItsName()
        {
            string path = WriteGguf("match-" + Guid.NewGuid().ToString("N") + ".gguf", 3 << 20);
            string spec = await RegisterAsync(path, Sha256(path));
            var log = new CollectingLog();

            FabstirModelTest result = await ModelCheck.TestAsync(Chain(), path, null, log, default);

            Assert.True(result.Passed, result.Reason);
            Assert.Equal(spec, result.Model);
            Assert.Equal(result.ExpectedSha256, result.ActualSha256);
            Assert.Contains(log.ProgressRecords, p => p.Completed);
        }

        [Fact]
        public async Task AFileWithAnotherHashFails()
        {
            string path = WriteGguf("other-" + Guid.NewGuid().ToString("N") + ".gguf", 4096);
            string spec = await RegisterAsync(path, "0x" + new string('1', 64));

            FabstirModelTest result = await ModelCheck.TestAsync(Chain(), path, spec,
                new CollectingLog(), default);

            Assert.False(result.Passed);
            Assert.True(result.IsGguf);
            Assert.False(result.HashMatches);
            Assert.Contains("differs", result.Reason);
        }

        [Fact]
        public async Task AFileThatIsNotGgufFailsBeforeHashing()
        {
            string path = Path.Combine(_folder, "model.bin");
            File.WriteAllText(path, "not a model");

            FabstirModelTest result = await ModelCheck.TestAsync(
                Chain(), path, _chain.Info.ApprovedModels[0], new CollectingLog(), default);

            Assert.False(result.Passed);
            Assert.False(result.IsGguf);
            Assert.Null(result.ActualSha256);
        }

        [Fact]
        public async Task ASeededModelIsCheckedAgainstItsSeededHash()
        {
            string spec = _chain.Info.ApprovedModels[1];
            string path = WriteGguf(spec.Split(':')[1], 1024);

            FabstirModelTest result = await ModelCheck.TestAsync(Chain(), path, null,
                new CollectingLog(), default);

            Assert.Equal(spec, result.Model);
            Assert.Equal(_chain.Info.ModelHashes[spec], result.ExpectedSha256);
            Assert.False(result.HashMatches);
        }

        private FabstirChain Chain() => new(_chain.Profile());

        private string WriteGguf(string name, int size)
        {
            string path = Path.Combine(_folder, name);
            var bytes = new byte[size];
            new Random(size).NextBytes(bytes);
            "GGUF"u8.ToArray().CopyTo(bytes, 0);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        private async Task<string> RegisterAsync(string path, string sha256)
        {
            string repo = "Test/Local-GGUF";
            string file = Path.GetFileName(path);
            await _chain.Deployer.SendAsync("TestModelRegistry", _chain.Info.ModelRegistry, "addTrustedModel",
                repo, file, Convert.FromHexString(sha256[2..]));
            return repo + ":" + file;
        }

        private static string Sha256(string path)
        {
            return "0x" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
        }
    }
}
