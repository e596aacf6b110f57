using FabstirHost.Core;
using FabstirHost.Core.Models;
using Xunit;

namespace FabstirHost.Tests.Models
{
    public sealed class ModelSpecTests
    {
        [Theory]
        [InlineData(
            "CohereForAI/TinyVicuna-1B-32k-GGUF:tiny-vicuna-1b.q4_k_m.gguf",
            "0x0b75a2061e70e736924a30c0a327db7ab719402129f76f631adbd7b7a5a5bced")]
        [InlineData(
            "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1b.Q4_K_M.gguf",
            "0x14843424179fbcb9aeb7fd446fa97143300609757bd49ffb3ec7fb2f75aed1ca")]
        public void IdIsKeccakOfRepoSlashFile(string text, string expectedId)
        {
            ModelSpec spec = ModelSpec.Parse(text);

            Assert.Equal(expectedId, spec.Id);
            Assert.Equal(text, spec.ToString());
        }

        [Fact]
        public void RepositoryKeepsItsSlashAndFileIsAfterTheColon()
        {
            const string text = "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1b.Q4_K_M.gguf";

            ModelSpec spec = ModelSpec.Parse(text);

            Assert.Equal("TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF", spec.Repository);
            Assert.Equal("tinyllama-1b.Q4_K_M.gguf", spec.FileName);
        }

        [Fact]
        public void IdIsCaseSensitiveAndNotTrimmed()
        {
            Assert.NotEqual(ModelSpec.Parse("a/b:c.gguf").Id, ModelSpec.Parse("a/B:c.gguf").Id);
            Assert.NotEqual(ModelSpec.Parse("a/b:c.gguf").Id, ModelSpec.Parse("a/b:c.gguf ").Id);
        }

        [Theory]
        [InlineData("TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF", "no ':'")]
        [InlineData(":tinyllama.gguf", "repository is empty")]
        [InlineData("TheBloke/TinyLlama:", "file name is empty")]
        [InlineData("a:b:c", "more than one")]
        [InlineData("", "no ':'")]
        public void MalformedSpecsAreRejected(string text, string why)
        {
            var ex = Assert.Throws<FabstirException>(() => ModelSpec.Parse(text));

            Assert.Equal("InvalidModelSpec", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.InvalidArgument, ex.Category);
            Assert.Contains(why, ex.Message);
            Assert.Equal(text, ex.Target);
        }
    }
}
