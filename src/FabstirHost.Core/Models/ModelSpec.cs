using System;
using System.Text;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;

namespace FabstirHost.Core.Models
{
    /// <summary>
    /// A model as the marketplace names it: a Hugging Face repository and a file in it, written
    /// <c>repo:file</c>. Its on-chain id is keccak256 of the UTF-8 text <c>repo/file</c>, with no
    /// padding or trimming.
    /// </summary>
    public sealed class ModelSpec : IEquatable<ModelSpec>
    {
        public const string InvalidErrorId = "InvalidModelSpec";

        public ModelSpec(string repository, string fileName)
        {
            if (string.IsNullOrEmpty(repository) || string.IsNullOrEmpty(fileName))
            {
                throw Invalid($"{repository}:{fileName}", "neither the repository nor the file may be empty");
            }

            Repository = repository;
            FileName = fileName;
            IdBytes = ComputeId(repository, fileName);
            Id = IdBytes.ToHex(true);
        }

        public string Repository { get; }

        public string FileName { get; }

        /// <summary>The model id as 0x and 64 hex digits.</summary>
        public string Id { get; }

        internal byte[] IdBytes { get; }

        /// <summary>
        /// Parses <c>repo:file</c>, e.g.
        /// <c>TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1b.Q4_K_M.gguf</c>.
        /// Repositories contain '/', never ':'; so the text must hold exactly one ':'.
        /// </summary>
        public static ModelSpec Parse(string text)
        {
            if (text == null)
            {
                throw Invalid("", "no text was given");
            }

            int colon = text.IndexOf(':');
            if (colon < 0)
            {
                throw Invalid(text, "there is no ':' between the repository and the file");
            }

            if (text.IndexOf(':', colon + 1) >= 0)
            {
                throw Invalid(text, "there is more than one ':'");
            }

            string repository = text.Substring(0, colon);
            string fileName = text.Substring(colon + 1);
            if (repository.Length == 0 || fileName.Length == 0)
            {
                string why = repository.Length == 0 ? "the repository is empty" : "the file name is empty";
                throw Invalid(text, why);
            }

            return new ModelSpec(repository, fileName);
        }

        public static byte[] ComputeId(string repository, string fileName)
        {
            return new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes(repository + "/" + fileName));
        }

        public bool Equals(ModelSpec? other) => other != null && other.Id == Id;

        public override bool Equals(object? obj) => Equals(obj as ModelSpec);

        public override int GetHashCode() => Id.GetHashCode();

        public override string ToString() => Repository + ":" + FileName;

        private static FabstirException Invalid(string text, string why)
        {
            return new FabstirException(
                InvalidErrorId,
                FabstirErrorCategory.InvalidArgument,
                $"'{text}' is not a model specification: {why}. Write it as repository:file, for example " +
                "'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1b.Q4_K_M.gguf'.",
                text);
        }
    }
}
