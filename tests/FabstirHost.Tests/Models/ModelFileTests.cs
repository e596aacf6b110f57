using System.Security.Cryptography;
using FabstirHost.Core;
using FabstirHost.Core.Models;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Models
{
    public sealed class ModelFileTests : IDisposable
    {
        private readonly TempHome _folder = new TempHome();

        public void Dispose() => _folder.Dispose();

        [Fact]
        public void AFileStartingWithGgufPasses()
        {
            string path = Write("model.gguf", new byte[] { 0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0 }); // "GGUF", v3

            ModelFile.EnsureGguf(path);
        }

        [Fact]
        public void AFileOfAnotherFormatIsRejected()
        {
            string path = Write("model.bin", System.Text.Encoding.ASCII.GetBytes("PK\u0003\u0004 zip"));

            var ex = Assert.Throws<FabstirException>(() => ModelFile.EnsureGguf(path));

            Assert.Equal("ModelFileNotGguf", ex.ErrorId);
            Assert.Equal(path, ex.Target);
        }

        [Fact]
        public void AMissingFileIsReportedAsNotFound()
        {
            string path = Path.Combine(_folder.Path, "absent.gguf");

            var ex = Assert.Throws<FabstirException>(() => ModelFile.EnsureGguf(path));

            Assert.Equal("ModelFileNotFound", ex.ErrorId);
        }

        [Fact]
        public void AFolderIsReportedAsNotFoundInTheWordsOfStartFabstirNode()
        {
            var ex = Assert.Throws<FabstirException>(() => ModelFile.EnsureGguf(_folder.Path));
            var start = Assert.Throws<FabstirException>(() => Core.Node.Preflight.CheckModel(_folder.Path));

            Assert.Equal("ModelFileNotFound", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.ObjectNotFound, ex.Category);
            Assert.Equal(_folder.Path, ex.Target);
            Assert.StartsWith($"The model path '{_folder.Path}' is a folder, not a file.", ex.Message);
            Assert.Equal(start.ErrorId, ex.ErrorId);
            Assert.EndsWith("with -ModelPath.", start.Message);
        }

        [NotRootFact]
        public void AFileThisUserCannotReadIsReportedAsUnreadable()
        {
            string path = Write("locked.gguf", new byte[] { 0x47, 0x47, 0x55, 0x46 });
            File.SetUnixFileMode(path, UnixFileMode.None);

            var ex = Assert.Throws<FabstirException>(() => ModelFile.EnsureGguf(path));

            Assert.Equal("ModelFileUnreadable", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.PermissionDenied, ex.Category);
            Assert.Contains($"'{path}' cannot be read by this user", ex.Message);
        }

        [Fact]
        public async Task Sha256IsStreamedAndMatchesTheWholeFileHash()
        {
            var content = new byte[(3 << 20) + 12345];
            new Random(7).NextBytes(content);
            string path = Write("big.gguf", content);
            var log = new CollectingLog();

            string hash = await ModelFile.ComputeSha256Async(path, log, CancellationToken.None);

            Assert.Equal("0x" + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), hash);
            Assert.True(
                log.ProgressRecords.Count >= 4, "expected one progress record per MiB block and a final one");
            Assert.True(log.ProgressRecords[^1].Completed);
        }

        private string Write(string name, byte[] content)
        {
            string path = Path.Combine(_folder.Path, name);
            File.WriteAllBytes(path, content);
            return path;
        }
    }
}
